import { tokenKeysFromSettings } from '@waddle/auth-token/token-keys';
import type { Clock } from '@waddle/clock/clock';
import { InvalidQueryError } from '@waddle/queries/invalid-query-error';
import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import { loadCaller, verifyBearerToken } from '../auth/authenticate.ts';
import { maxTokenLifetimeSeconds } from '../auth/token-lifetime.ts';
import { BOOKMARK_HEADER, DatabaseSessions } from '../context/database-sessions.ts';
import { createRequestContext } from '../context/request-context.ts';
import { ApiError } from './api-error.ts';
import { parseRequestInput } from './request-input.ts';
import type { Router } from './router.ts';

/**
 * The API's request pipeline: find the route (404, or 405 with `Allow`); verify the bearer token
 * (401) and validate every input (400) before any database is touched; then load the caller
 * (401 for an unknown or erased user, 403 under a global ban), run the handler, and return its
 * JSON with the session bookmark header. Every error is `{"error": {"code", "message"}}`; an
 * unexpected one (500) is logged as one JSON line with the route and the request id.
 * The request's "now" is read once from `clock` and is the time of everything it does.
 */
export async function handleRequest(router: Router, request: Request, env: Env, clock: Clock): Promise<Response> {
  const url = new URL(request.url);
  let routeName = `${request.method} ${url.pathname}`;
  try {
    const matched = router.match(request.method, url.pathname);
    if (!('route' in matched)) {
      if (matched.allowed.length === 0) throw new ApiError(404, 'not_found', `no route for ${request.method} ${url.pathname}`);
      throw new ApiError(405, 'method_not_allowed', `${url.pathname} answers ${matched.allowed.join(', ')}`, {
        Allow: matched.allowed.join(', '),
      });
    }
    const { route, rawParams } = matched;
    routeName = `${route.method} ${route.path}`;
    const now = clock();
    const keys = tokenKeysFromSettings(env);
    const userId = route.public ? undefined : await verifyBearerToken(request, keys, now, maxTokenLifetimeSeconds(env));
    const input = await parseRequestInput(route, rawParams, request, url);
    const [signing, ...verifying] = keys.hmac;
    const sessions = await DatabaseSessions.fromRequest(request, [signing.secret, ...verifying.map((key) => key.secret)]);
    const { context, setCaller } = createRequestContext(env, request, sessions, now);
    if (userId !== undefined) {
      // A request about a waddle reads its registry row in the caller's round trip.
      const waddleId = input.params.waddle;
      const loaded = await loadCaller(context.directory, userId, now, typeof waddleId === 'number' ? waddleId : undefined);
      setCaller(loaded.caller, typeof waddleId === 'number' ? { waddleId, row: loaded.waddle ?? null } : undefined);
    }

    const result = await route.handle(input as never, context);
    const headers = new Headers();
    const bookmark = await sessions.header();
    if (bookmark) headers.set(BOOKMARK_HEADER, bookmark);
    if (result instanceof Response) return result;
    if (route.status === 204) return new Response(null, { status: 204, headers });
    headers.set('content-type', 'application/json');
    return new Response(JSON.stringify(result), { status: route.status ?? 200, headers });
  } catch (error) {
    return errorResponse(error, request, routeName);
  }
}

function errorResponse(error: unknown, request: Request, route: string): Response {
  if (error instanceof ApiError) return error.toResponse();
  if (error instanceof InvalidQueryError) return new ApiError(400, 'invalid_query', error.message).toResponse();
  logUnexpectedError('unexpected error', { worker: 'waddle-api', route, requestId: requestIdOf(request) }, error);
  return new ApiError(500, 'internal', 'something went wrong on our side').toResponse();
}
