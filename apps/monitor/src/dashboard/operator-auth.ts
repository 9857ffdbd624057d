import { errorAnswer } from '@waddle/worker-http/error-answer';
import type { MiddlewareHandler } from 'hono';
import type { MonitorEnv } from '../http/monitor-env.ts';

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
 * if (!(await isOperator(c.req.raw, c.env.MONITOR_TOKEN))) return errorAnswer(401, 'unauthorized', 'an operator token is required');
 * ```
 */
export async function isOperator(request: Request, expectedToken: string | undefined): Promise<boolean> {
  if (!expectedToken) return false;
  const presented = presentedToken(request);
  if (presented === null) return false;
  const [a, b] = await Promise.all([sha256(presented), sha256(expectedToken)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/**
 * The middleware of the operators' routes: a request without the operator token (see
 * {@link isOperator}) answers 401 and shows no data, as plain text for the dashboard page
 * (`'page'`, what a person opening it reads) or with the error body `unauthorized` for the JSON
 * API (`'json'`); with it, the route's handler runs.
 *
 * @example
 * ```ts
 * app.get('/api/databases', requireOperator('json'), (c) => c.json(listing));
 * ```
 */
export function requireOperator(answer: 'page' | 'json'): MiddlewareHandler<MonitorEnv> {
  return async (c, next) => {
    if (await isOperator(c.req.raw, c.env.MONITOR_TOKEN)) return next();
    const message = c.env.MONITOR_TOKEN
      ? 'an operator token is required: Authorization: Bearer <MONITOR_TOKEN>, or open /?token=<MONITOR_TOKEN>'
      : 'MONITOR_TOKEN is not configured';
    if (answer === 'json') return errorAnswer(401, 'unauthorized', message);
    return new Response(`401 Unauthorized\n\n${message}\n`, { status: 401, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  };
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
