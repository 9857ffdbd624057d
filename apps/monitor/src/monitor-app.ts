import { healthResponse } from '@waddle/worker-health/health-response';
import { errorAnswer } from '@waddle/worker-http/error-answer';
import { answerUnexpectedError } from '@waddle/worker-http/unexpected-error-answer';
import { Hono } from 'hono';
import { monitorConfig } from './config/monitor-config.ts';
import { dashboardRoutes } from './dashboard/dashboard-routes.ts';
import type { MonitorEnv, MonitorSetup } from './http/monitor-env.ts';
import { serveOnly } from './http/serve-only.ts';
import { monitorDependencies } from './monitor-dependencies.ts';

/** The Worker's own setup: its `vars` (`monitorConfig`, which throws on a setting out of range) and dependencies. */
const workerSetup = (env: Env): MonitorSetup => ({ config: monitorConfig(env), dependencies: monitorDependencies(env) });

/**
 * The monitor Worker's HTTP app (Hono): `GET /health` (no token), the operators' dashboard and its
 * JSON API (`dashboardRoutes`, behind the operator token), with the setup `setupOf` reads from the
 * environment for each dashboard request (a test passes its own clock and config). A path the
 * monitor serves answers 405 with `Allow` to another method, `HEAD` is answered as `GET`, any
 * other path 404, all with the error body; nothing it answers may be cached (`no-store`: live
 * operator data). An error it did not expect answers 500 `internal` and is logged as one JSON line
 * with the route and the request id (`answerUnexpectedError`).
 *
 * @example
 * ```ts
 * const app = createMonitorApp();
 * const response = await app.fetch(request, env);
 * ```
 */
export function createMonitorApp(setupOf: (env: Env) => MonitorSetup = workerSetup): Hono<MonitorEnv> {
  const app = new Hono<MonitorEnv>();
  app.use(async (c, next) => {
    await next();
    c.header('cache-control', 'no-store');
  });
  serveOnly(app, 'GET', '/health', (c) => healthResponse('waddle-monitor', c.env.CENTRAL_DB));
  dashboardRoutes(app, setupOf);
  app.notFound((c) => errorAnswer(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => answerUnexpectedError('waddle-monitor', c, error));
  return app;
}
