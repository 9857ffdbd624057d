/**
 * One log line for an error a Worker did not expect (a bug, a platform failure): the JSON object
 * `{"level":"error","message","worker","route","requestId","error":{"name","message","stack"}}`
 * on one line, which Workers Logs (`observability` in wrangler.jsonc) keeps with the invocation,
 * so an operator finds a 500 by its route or request id. Expected refusals (4xx) are not logged.
 */

/** Where the error happened. */
export interface RequestLogContext {
  /** `waddle-api` or `waddle-monitor`. */
  readonly worker: string;
  /** The route's method and path pattern (`GET /v1/waddles/{waddle}`), or the request's path when no route matched. */
  readonly route: string;
  /** See {@link requestIdOf}. */
  readonly requestId: string;
}

/**
 * The request's id: Cloudflare's Ray ID (the `cf-ray` header Cloudflare adds to every request it
 * proxies), which also names the request in Cloudflare's own logs; a random UUID where there is
 * none (locally under `wrangler dev`, or in tests).
 *
 * @example
 * ```ts
 * requestIdOf(request); // '8f1c2a3b4d5e6f70-AMS' behind Cloudflare
 * ```
 */
export function requestIdOf(request: Request): string {
  return request.headers.get('cf-ray') ?? crypto.randomUUID();
}

/**
 * The log line of {@link logUnexpectedError}, as a string: `error.name`, `error.message` and
 * `error.stack` of an `Error` (with its `cause`'s name and message), or `String(error)` for
 * anything else thrown.
 *
 * @example
 * ```ts
 * unexpectedErrorLine('unexpected error', { worker: 'waddle-api', route: 'GET /v1/me', requestId }, new TypeError('x'));
 * // {"level":"error","message":"unexpected error","worker":"waddle-api","route":"GET /v1/me","requestId":"…","error":{"name":"TypeError","message":"x","stack":"TypeError: x\n    at …"}}
 * ```
 */
export function unexpectedErrorLine(message: string, context: RequestLogContext, error: unknown): string {
  return JSON.stringify({ level: 'error', message, ...context, error: describe(error) });
}

/**
 * Logs an unexpected error as one JSON line on `console.error` (see {@link unexpectedErrorLine}).
 *
 * @example
 * ```ts
 * } catch (error) {
 *   logUnexpectedError('unexpected error', { worker: 'waddle-monitor', route, requestId: requestIdOf(request) }, error);
 *   return Response.json({ error: { code: 'internal', message: 'something went wrong on our side' } }, { status: 500 });
 * }
 * ```
 */
export function logUnexpectedError(message: string, context: RequestLogContext, error: unknown): void {
  console.error(unexpectedErrorLine(message, context, error));
}

function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { name: 'NonError', message: String(error) };
  const described: Record<string, unknown> = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined) {
    described.cause = error.cause instanceof Error ? { name: error.cause.name, message: error.cause.message } : String(error.cause);
  }
  return described;
}
