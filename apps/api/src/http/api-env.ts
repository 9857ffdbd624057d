import type { TokenKeys } from '@waddle/auth-token/token-keys';
import type { RequestContext } from '../context/request-context.ts';

/**
 * The Hono environment of the API Worker (`OpenAPIHono<ApiEnv>`): its bindings, and what its
 * middleware hands on to the handlers through `c.var`. `userId`, `tokenKeys` and
 * `requestContext` are set on the routes that need a token (`AUTHENTICATED` in
 * `route-middleware.ts`), the only ones whose handlers read them.
 */
export interface ApiEnv {
  Bindings: Env;
  Variables: {
    /** The request's "now" (ms since the epoch): read once from the injected clock, the time of everything the request does. */
    now: number;
    /** The user id a verified bearer token names (`requireBearerToken`). */
    userId: number;
    /** The keys the token was verified with (`requireBearerToken`); the first HS256 key also signs bookmarks. */
    tokenKeys: TokenKeys;
    /**
     * Opens the request's context on its first call (`callerContext`): its D1 sessions and the
     * caller, with the registry row of `waddleId` read in the caller's round trip. Handlers call
     * it after the validators ran, so no database is touched before the input is known valid.
     */
    requestContext: (waddleId?: number) => Promise<RequestContext>;
  };
}
