/**
 * An answer other than success, as both Workers send it: `{"error": {"code", "message"}}` with its
 * HTTP status and headers (`Allow`, `Retry-After`, …). `code` is a stable identifier for programs
 * (`not_found`, `method_not_allowed`, …), `message` is for people.
 *
 * @example
 * ```ts
 * return errorAnswer(405, 'method_not_allowed', '/health answers GET', { Allow: 'GET' });
 * ```
 */
export function errorAnswer(status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}): Response {
  return Response.json({ error: { code, message } }, { status, headers });
}
