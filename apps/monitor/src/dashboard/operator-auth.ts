/** The cookie that carries the operator token after `/?token=…`. */
export const TOKEN_COOKIE = 'monitor_token';

/**
 * Whether a request carries the operator token (`MONITOR_TOKEN`): as `Authorization: Bearer …`,
 * as the `monitor_token` cookie, or as `?token=` (which the dashboard then trades for the
 * cookie). Compared in constant time (SHA-256 of both sides, then `timingSafeEqual`), so the
 * answer time says nothing about how much of a guess was right. Without a configured token
 * nobody is let in.
 *
 * @example
 * ```ts
 * if (!(await isOperator(request, env.MONITOR_TOKEN))) return new Response('unauthorized', { status: 401 });
 * ```
 */
export async function isOperator(request: Request, expectedToken: string | undefined): Promise<boolean> {
  if (!expectedToken) return false;
  const presented = presentedToken(request);
  if (presented === null) return false;
  const [a, b] = await Promise.all([sha256(presented), sha256(expectedToken)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** The token a request presents, in order: Bearer header, `?token=`, cookie. */
function presentedToken(request: Request): string | null {
  const authorization = request.headers.get('authorization');
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim();
  const query = new URL(request.url).searchParams.get('token');
  if (query) return query;
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(value.join('='));
  }
  return null;
}

/**
 * The `Set-Cookie` value that keeps the operator signed in for 12 hours: HttpOnly (page scripts
 * cannot read it), SameSite=Strict, and Secure when the dashboard is served over HTTPS.
 */
export function tokenCookie(token: string, secure: boolean): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200${secure ? '; Secure' : ''}`;
}

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
}
