import { OpenAPIHono } from '@hono/zod-openapi';
import type { Clock } from '@waddle/clock/clock';
import { allowedOriginsCors } from './http/allowed-origins-cors.ts';
import { apiErrorHandler } from './http/api-error-handler.ts';
import type { ApiEnv } from './http/api-env.ts';
import { requestClock } from './http/request-clock.ts';
import { routeNotFound } from './http/route-not-found.ts';
import { apiRoutes, servedRoutes } from './routes/all-routes.ts';

/**
 * The API Worker's HTTP app (Hono): the request's "now" read once from `clock`, CORS for the
 * configured origins, then every route of `apiRoutes`, each running its own middleware (the
 * token first), its validators (400 before any database is touched) and its handler. A request
 * no route takes answers 405 with `Allow` or 404; every error goes through `apiErrorHandler`.
 *
 * @example
 * ```ts
 * const app = createApiApp(systemClock);
 * const response = await app.fetch(request, env);
 * ```
 */
export function createApiApp(clock: Clock): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>();
  app.use(requestClock(clock));
  app.use(allowedOriginsCors);
  app.route('/', apiRoutes);
  app.notFound(routeNotFound(servedRoutes));
  app.onError(apiErrorHandler);
  return app;
}
