import { errorAnswer } from '@waddle/worker-http/error-answer';
import type { Handler, Hono, MiddlewareHandler } from 'hono';
import type { MonitorEnv } from './monitor-env.ts';

/**
 * Serves `path` under `method` alone: the handlers (middleware first) answer that method (and
 * `HEAD` as `GET`, without its body, as Hono does), and any other method answers 405
 * `method_not_allowed` with `Allow: <method>` without running the route's middleware (no token
 * is needed to learn which method a path takes).
 *
 * @example
 * ```ts
 * serveOnly(app, 'GET', '/health', (c) => healthResponse('waddle-monitor', c.env.CENTRAL_DB));
 * // POST /health → 405, Allow: GET
 * ```
 */
export function serveOnly<Path extends string>(
  app: Hono<MonitorEnv>,
  method: 'GET' | 'POST',
  path: Path,
  ...handlers: [...MiddlewareHandler<MonitorEnv, NoInfer<Path>>[], Handler<MonitorEnv, NoInfer<Path>>]
): void {
  app.on(method, path, ...(handlers as [Handler<MonitorEnv, Path>]));
  app.all(path, (c) => errorAnswer(405, 'method_not_allowed', `${c.req.path} answers ${method}`, { Allow: method }));
}
