import { handleRequest } from './http/handle-request.ts';
import { Router } from './http/router.ts';
import { allRoutes } from './routes/all-routes.ts';

const router = new Router(allRoutes);

/** The Waddle API Worker: every route of `routes/all-routes.ts`, through one request pipeline. */
export default {
  fetch: (request, env) => handleRequest(router, request, env),
} satisfies ExportedHandler<Env>;
