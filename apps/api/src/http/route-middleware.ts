import { z } from '@hono/zod-openapi';
import { requireBearerToken } from '../auth/require-bearer-token.ts';
import { callerContext } from '../context/caller-context.ts';
import { jsonBody } from './json-body.ts';
import { singleQueryNames } from './single-query-names.ts';

/**
 * The middleware of a route that needs a token (`createRoute({ middleware: AUTHENTICATED, … })`),
 * in order: the bearer token (401) before any input is read, the request context its handler
 * opens once the validators passed (`c.var.requestContext`, which also returns the bookmark
 * header), and the query's names given once. The route's validators run after these.
 */
export const AUTHENTICATED = [requireBearerToken, callerContext, singleQueryNames];

/** {@link AUTHENTICATED}, then the checks of a JSON body (`jsonBody`: 413, 415, 400) before its schema. */
export const AUTHENTICATED_WITH_BODY = [...AUTHENTICATED, jsonBody];

/** The middleware of a route served without a token (`/health`, `/v1/openapi.json`): the query's names given once. */
export const PUBLIC = [singleQueryNames];

/** The query of a route that takes none: any parameter is refused (400 `invalid_query`). */
export const NO_QUERY = z.strictObject({});
