import { createRoute, z } from '@hono/zod-openapi';
import { errorAnswers } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { NO_QUERY, PUBLIC } from '../http/route-middleware.ts';
import { REFERENCE_ASSET_NAMES, REFERENCE_CSP, REFERENCE_PAGE, REFERENCE_PATH } from '../reference/reference-page.ts';

/** How long a browser may keep the page and its files (seconds): they change only with a deploy. */
const CACHE_CONTROL = 'public, max-age=3600';

/** `GET /v1/docs`: the API reference for people, Swagger UI over `GET /v1/openapi.json`, all served by this Worker (no token). */
export const referencePage = createRoute({
  operationId: 'referencePage',
  method: 'get',
  path: REFERENCE_PATH,
  tags: ['service'],
  summary: 'This reference, as a page (Swagger UI)',
  security: [],
  middleware: PUBLIC,
  request: { query: NO_QUERY },
  responses: {
    200: {
      description:
        'The page: Swagger UI rendering `/v1/openapi.json`; it loads nothing from another origin (see its `Content-Security-Policy`)',
      content: { 'text/html': { schema: z.string() } },
    },
    ...errorAnswers([400, 500]),
  },
});

/** `GET /v1/docs/{asset}`: a file the reference page loads (no token). */
export const referenceAsset = createRoute({
  operationId: 'referenceAsset',
  method: 'get',
  path: `${REFERENCE_PATH}/{asset}`,
  tags: ['service'],
  summary: 'A file of the reference page',
  security: [],
  middleware: PUBLIC,
  request: { params: z.strictObject({ asset: z.enum(REFERENCE_ASSET_NAMES) }), query: NO_QUERY },
  responses: {
    200: {
      description: "Swagger UI's stylesheet or script (`swagger-ui-dist`), or the script that starts it on this API's document",
      content: { 'text/css': { schema: z.string() }, 'text/javascript': { schema: z.string() } },
    },
    ...errorAnswers([400, 500]),
  },
});

/** The reference routes: the page and its files. Reads no database. */
export const reference = routeGroup()
  .openapi(
    referencePage,
    () =>
      new Response(REFERENCE_PAGE, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': CACHE_CONTROL,
          'content-security-policy': REFERENCE_CSP,
          'referrer-policy': 'no-referrer',
          'x-content-type-options': 'nosniff',
        },
      }),
  )
  .openapi(referenceAsset, async (c) => {
    // Loaded on the first request: the OpenAPI script imports the routes in Node, which cannot load text modules.
    const { REFERENCE_ASSETS } = await import('../reference/swagger-ui-assets.ts');
    const asset = REFERENCE_ASSETS[c.req.valid('param').asset];
    return new Response(asset.text, {
      headers: { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': CACHE_CONTROL, 'x-content-type-options': 'nosniff' },
    });
  });
