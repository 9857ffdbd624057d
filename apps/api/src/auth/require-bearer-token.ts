import { tokenKeysFromSettings } from '@waddle/auth-token/token-keys';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from '../http/api-env.ts';
import { verifyBearerToken } from './authenticate.ts';
import { maxTokenLifetimeSeconds } from './token-lifetime.ts';

/**
 * The first middleware of every route that needs a token: verifies `Authorization: Bearer <JWT>`
 * (401, or 503 when an identity provider's keys cannot be fetched; see `verifyBearerToken`)
 * before any input is read and without touching a database, and hands the user id and the keys on
 * in `c.var`. A configuration the API cannot use (`AUTH_KEYS`, `AUTH_MAX_TOKEN_LIFETIME_SECONDS`)
 * throws: a 500 naming the variable.
 */
export const requireBearerToken: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const keys = tokenKeysFromSettings(c.env);
  c.set('userId', await verifyBearerToken(c.req.raw, keys, c.var.now, maxTokenLifetimeSeconds(c.env)));
  c.set('tokenKeys', keys);
  await next();
};
