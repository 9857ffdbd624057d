import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { BOOKMARK_HEADER } from '../context/database-sessions.ts';
import type { ApiEnv } from './api-env.ts';

/** The request headers a browser may send the API, the methods it serves, and the answer's headers a page may read. */
const ALLOW_HEADERS = ['Authorization', 'Content-Type', BOOKMARK_HEADER];
const ALLOW_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const EXPOSE_HEADERS = [BOOKMARK_HEADER, 'Retry-After', 'WWW-Authenticate', 'Content-Disposition'];
/** How long a browser may keep a preflight's answer (seconds). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * The origins of `CORS_ALLOWED_ORIGINS` (comma-separated, `https://app.example.com,
 * http://localhost:5173`; none when empty or unset). Reads no database.
 *
 * @throws {Error} naming the variable, for an entry that is not an origin (a scheme, a host and
 * an optional port, nothing after: `https://app.example.com/` never matches a browser's `Origin`).
 */
export function allowedOrigins(setting: string | undefined): string[] {
  const origins = (setting ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const origin of origins) {
    if (!URL.canParse(origin) || new URL(origin).origin !== origin)
      throw new Error(`CORS_ALLOWED_ORIGINS: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], nothing after)`);
  }
  return origins;
}

/**
 * CORS for the browsers of the origins in `CORS_ALLOWED_ORIGINS` (`hono/cors`): a preflight
 * (`OPTIONS` with `Origin`) from one of them answers 204 with `Access-Control-Allow-Origin`, the
 * methods, and the headers a request may carry (`Authorization`, `Content-Type`,
 * `X-Waddle-Bookmark`); their other requests get `Access-Control-Allow-Origin` and may read
 * `X-Waddle-Bookmark`, `Retry-After`, `WWW-Authenticate`, `Content-Disposition`. A request from any
 * other origin gets no CORS header at all (a preflight is then answered like any `OPTIONS`, 405),
 * and with no origin configured (the default) the API sends none to anyone. Answers vary by
 * `Origin` once an origin is configured. Tokens travel in `Authorization`, never in cookies, so
 * credentials are not allowed.
 */
export const allowedOriginsCors: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const origins = allowedOrigins(c.env.CORS_ALLOWED_ORIGINS);
  if (origins.length === 0) return next();
  const origin = c.req.header('origin');
  if (origin === undefined || !origins.includes(origin)) {
    await next();
    c.header('Vary', 'Origin', { append: true });
    return;
  }
  return cors({
    origin,
    allowHeaders: ALLOW_HEADERS,
    allowMethods: ALLOW_METHODS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  })(c, next);
};
