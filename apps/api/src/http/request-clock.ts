import type { Clock } from '@waddle/clock/clock';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './api-env.ts';

/**
 * Reads the request's "now" once from `clock` (the system clock in the Worker, a test's clock in
 * tests) into `c.var.now`: every decision of the request (token expiry, slow mode, bans, the
 * timestamps it writes) uses that one value.
 */
export function requestClock(clock: Clock): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('now', clock());
    await next();
  };
}
