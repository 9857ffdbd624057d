import type { MiddlewareHandler } from 'hono';
import { loadCaller } from '../auth/authenticate.ts';
import type { ApiEnv } from '../http/api-env.ts';
import { BOOKMARK_HEADER, DatabaseSessions } from './database-sessions.ts';
import { createRequestContext, type RequestContext } from './request-context.ts';

/**
 * The middleware that gives an authenticated route its context and carries the D1 sessions'
 * bookmarks back. `c.var.requestContext(waddleId?)`, on its first call (later calls get the same
 * context): checks the `X-Waddle-Bookmark` header (400 `invalid_bookmark` for one this API did not
 * sign, before any database is touched), opens the sessions, and loads the caller (401 for an
 * unknown or erased user, 403 under a global ban) with the registry row of `waddleId` in the same
 * central batch. After the handler, a successful answer carries the sessions' bookmarks, signed
 * under the first HS256 key; an error answer carries none. See `loadCaller` for the SQL.
 *
 * ```ts
 * const context = await c.var.requestContext(params.waddle);
 * const { access } = await openWaddle(context, params.waddle);
 * ```
 */
export const callerContext: MiddlewareHandler<ApiEnv> = async (c, next) => {
  let sessions: DatabaseSessions | undefined;
  let opened: Promise<RequestContext> | undefined;
  const open = async (waddleId: number | undefined): Promise<RequestContext> => {
    const [signing, ...verifying] = c.var.tokenKeys.hmac;
    sessions = await DatabaseSessions.fromRequest(c.req.raw, [signing.secret, ...verifying.map((key) => key.secret)]);
    const { context, setCaller } = createRequestContext(c.env, c.req.raw, sessions, c.var.now);
    const loaded = await loadCaller(context.directory, c.var.userId, c.var.now, waddleId);
    setCaller(loaded.caller, waddleId === undefined ? undefined : { waddleId, row: loaded.waddle ?? null });
    return context;
  };
  c.set('requestContext', (waddleId) => {
    opened ??= open(waddleId);
    return opened;
  });
  await next();
  if (sessions === undefined || c.error) return;
  const bookmark = await sessions.header();
  if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
};
