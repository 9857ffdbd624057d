import { InvalidQueryError } from '@waddle/queries/invalid-query-error';
import { DatabaseNotInSliceError, SliceUnavailableError } from '@waddle/slice-worker/slice-errors';
import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import { answerUnexpectedError, routeName } from '@waddle/worker-http/unexpected-error-answer';
import type { Context } from 'hono';
import { ApiError } from './api-error.ts';

/**
 * The API's one `onError`: an `ApiError` answers its status and `{"error": {"code", "message"}}`
 * (with its headers: `Retry-After`, `WWW-Authenticate`); the query library's `InvalidQueryError`
 * (a cursor or filter it cannot use) is a 400 `invalid_query`; a waddle database whose binding
 * slice cannot be reached (`SliceUnavailableError`) or does not bind it (`DatabaseNotInSliceError`)
 * is a 503 `waddle_unavailable`, logged, and never retried over the REST API; anything else is a
 * 500 `internal`, logged as one JSON line with the route pattern and the request id
 * (`answerUnexpectedError`).
 */
export function apiErrorHandler(error: Error, c: Context): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (error instanceof InvalidQueryError) return new ApiError(400, 'invalid_query', error.message).toResponse();
  if (error instanceof SliceUnavailableError || error instanceof DatabaseNotInSliceError) {
    // Operators need to hear of a slice that is down or a directory that points at the wrong slice.
    logUnexpectedError(
      'waddle database unreachable',
      { worker: 'waddle-api', route: routeName(c), requestId: requestIdOf(c.req.raw) },
      error,
    );
    return new ApiError(503, 'waddle_unavailable', "the waddle's database cannot be reached right now; try again later").toResponse();
  }
  return answerUnexpectedError('waddle-api', c, error);
}
