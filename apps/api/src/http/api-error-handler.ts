import { InvalidQueryError } from '@waddle/queries/invalid-query-error';
import { answerUnexpectedError } from '@waddle/worker-http/unexpected-error-answer';
import type { Context } from 'hono';
import { ApiError } from './api-error.ts';

/**
 * The API's one `onError`: an `ApiError` answers its status and `{"error": {"code", "message"}}`
 * (with its headers: `Retry-After`, `WWW-Authenticate`); the query library's `InvalidQueryError`
 * (a cursor or filter it cannot use) is a 400 `invalid_query`; anything else is a 500 `internal`,
 * logged as one JSON line with the route pattern and the request id (`answerUnexpectedError`).
 */
export function apiErrorHandler(error: Error, c: Context): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (error instanceof InvalidQueryError) return new ApiError(400, 'invalid_query', error.message).toResponse();
  return answerUnexpectedError('waddle-api', c, error);
}
