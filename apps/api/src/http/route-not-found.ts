import type { NotFoundHandler } from 'hono';
import { ApiError } from './api-error.ts';

/** A route the API serves: its method and path pattern (`GET`, `/v1/waddles/{waddle}`). */
export interface ServedRoute {
  readonly method: string;
  readonly path: string;
}

/**
 * The answer to a request no route takes: 405 `method_not_allowed` with `Allow` listing the
 * methods of `routes` whose pattern matches the path (`{name}` is one path segment), or 404
 * `not_found` when none does. Errors carry the error body like every other refusal.
 *
 * @example
 * ```ts
 * app.notFound(routeNotFound([{ method: 'GET', path: '/v1/me' }, { method: 'DELETE', path: '/v1/me' }]));
 * // PUT /v1/me → 405, Allow: GET, DELETE
 * ```
 */
export function routeNotFound(routes: readonly ServedRoute[]): NotFoundHandler {
  const patterns = routes.map(({ method, path }) => ({
    method,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`),
  }));
  return (c) => {
    const allowed = [...new Set(patterns.filter(({ pattern }) => pattern.test(c.req.path)).map(({ method }) => method))];
    if (allowed.length === 0) return new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`).toResponse();
    return new ApiError(405, 'method_not_allowed', `${c.req.path} answers ${allowed.join(', ')}`, {
      Allow: allowed.join(', '),
    }).toResponse();
  };
}
