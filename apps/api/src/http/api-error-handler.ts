import { InvalidQueryError } from '@waddle/queries/invalid-query-error';
import { DatabaseNotInSliceError, SliceUnavailableError } from '@waddle/slice-worker/slice-errors';
import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { ApiError } from './api-error.ts';

/**
 * The API's one `onError`: an `ApiError` answers its status and `{"error": {"code", "message"}}`
 * (with its headers: `Retry-After`, `WWW-Authenticate`); the query library's `InvalidQueryError`
 * (a cursor or filter it cannot use) is a 400 `invalid_query`; a waddle database whose binding
 * slice cannot be reached (`SliceUnavailableError`) or does not bind it (`DatabaseNotInSliceError`)
 * is a 503 `waddle_unavailable`, logged, and never retried over the REST API; anything else is a
 * 500 `internal`, logged as one JSON line (`logUnexpectedError`) with the route pattern and the
 * request id.
 */
export function apiErrorHandler(error: Error, c: Context): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (error instanceof InvalidQueryError) return new ApiError(400, 'invalid_query', error.message).toResponse();
  const logContext = { worker: 'waddle-api', route: routeName(c), requestId: requestIdOf(c.req.raw) };
  if (error instanceof SliceUnavailableError || error instanceof DatabaseNotInSliceError) {
    // Operators need to hear of a slice that is down or a directory that points at the wrong slice.
    logUnexpectedError('waddle database unreachable', logContext, error);
    return new ApiError(503, 'waddle_unavailable', "the waddle's database cannot be reached right now; try again later").toResponse();
  }
  logUnexpectedError('unexpected error', logContext, error);
  return new ApiError(500, 'internal', 'something went wrong on our side').toResponse();
}

/** `GET /v1/waddles/{waddle}`: the method and the pattern of the route that failed (its path when no route matched). */
function routeName(c: Context): string {
  const pattern = routePath(c, -1);
  const path = pattern === '' || pattern.includes('*') ? c.req.path : pattern.replace(/:(\w+)/g, '{$1}');
  return `${c.req.method} ${path}`;
}
