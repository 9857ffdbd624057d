/**
 * The envelope every Cloudflare API v4 answer comes in: `{ success, errors, messages, result }`,
 * with `errors: [{ code, message }]` and `result: null` on failure.
 *
 * @example
 * ```ts
 * return cloudflareSuccess([{ results, success: true, meta }]);
 * return cloudflareFailure(404, 7404, `The database ${id} could not be found`);
 * ```
 */
export function cloudflareSuccess(result: unknown): Response {
  return Response.json({ success: true, errors: [], messages: [], result });
}

/** A failed Cloudflare API answer: the HTTP status, and one error with its API code. */
export function cloudflareFailure(status: number, code: number, message: string): Response {
  return Response.json({ success: false, errors: [{ code, message }], messages: [], result: null }, { status });
}

/** The API error codes this project answers with, as Cloudflare's API uses them. */
export const CloudflareErrorCode = {
  authentication: 10000,
  noRoute: 7003,
  badRequest: 7400,
  databaseNotFound: 7404,
  statementFailed: 7500,
  /**
   * The codes below are this local API's: Cloudflare's documentation names the 429 status and
   * its `retry-after` header but not the error codes, so callers must go by the HTTP status.
   */
  rateLimited: 971,
  scriptNotFound: 10007,
  namespaceNotFound: 10090,
  scriptFailed: 10021,
} as const;
