import type { MiddlewareHandler } from 'hono';
import { badRequest } from './api-error.ts';

/**
 * Refuses a query string that names a parameter more than once (`?limit=1&limit=2`) with 400
 * `invalid_query`, before the route's validator reads it: every query parameter of the API is
 * given once, so a repeated one is a mistake, never a list.
 */
export const singleQueryNames: MiddlewareHandler = async (c, next) => {
  const seen = new Set<string>();
  for (const name of new URL(c.req.url).searchParams.keys()) {
    if (seen.has(name)) throw badRequest('invalid_query', `query parameter ${name} is given more than once`);
    seen.add(name);
  }
  await next();
};
