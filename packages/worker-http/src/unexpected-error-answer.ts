import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { errorAnswer } from './error-answer.ts';

/**
 * How a Worker's `onError` ends for an error it did not expect (a bug, a platform failure): one
 * JSON line on `console.error` (`logUnexpectedError`) naming `worker`, the route that failed by its
 * method and pattern (`GET /v1/waddles/{waddle}`, parameters written as OpenAPI writes them; the
 * request's path when no route matched) and the request id (`requestIdOf`: the Ray ID), then the
 * answer 500 `{"error": {"code": "internal", "message": "something went wrong on our side"}}`, which
 * tells the caller nothing about the error.
 *
 * @example
 * ```ts
 * app.onError((error, c) => (error instanceof ApiError ? error.toResponse() : answerUnexpectedError('waddle-api', c, error)));
 * ```
 */
export function answerUnexpectedError(worker: string, c: Context, error: unknown): Response {
  logUnexpectedError('unexpected error', { worker, route: routeName(c), requestId: requestIdOf(c.req.raw) }, error);
  return errorAnswer(500, 'internal', 'something went wrong on our side');
}

/** `GET /v1/waddles/{waddle}`: the method and the pattern of the route that failed (its path when no route matched). */
export function routeName(c: Context): string {
  const pattern = routePath(c, -1);
  const path = pattern === '' || pattern.includes('*') ? c.req.path : pattern.replace(/:(\w+)/g, '{$1}');
  return `${c.req.method} ${path}`;
}
