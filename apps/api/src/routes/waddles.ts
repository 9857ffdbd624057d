import { createRoute, z } from '@hono/zod-openapi';
import { createWaddle, WaddleProvisioningError } from '@waddle/provisioning/create-waddle';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { SliceBusyError } from '@waddle/provisioning/slice-busy-error';
import { cloudflareApiSettings } from '@waddle/registry/cloudflare-api-settings';
import { memberWaddles } from '@waddle/directory-queries/waddles/member-waddles';
import { publicWaddles } from '@waddle/directory-queries/waddles/public-waddles';
import { findShownWaddle } from '@waddle/directory-queries/waddles/shown-waddle';
import { openWaddle } from '../access/waddle-access.ts';
import { permissionNames } from '../access/permissions.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { slicePlacement } from '@waddle/provisioning/slice-placement';
import { ApiError, badRequest, conflict } from '../http/api-error.ts';
import { decodeKeyCursor, keyedPage } from '../http/key-cursor.ts';
import { AUTHENTICATED_ERRORS, BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { cursor, pathId, queryCount, singleLine } from '../http/schemas.ts';
import { permissionNameList } from './permission-name-list.ts';
import { waddleBody, waddleFields, waddleJson } from './waddle-json.ts';
import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import { routeName } from '@waddle/worker-http/unexpected-error-answer';

/** A page of waddles: the cursor of the next page, `null` on the last one. */
const pageQuery = z.strictObject({ limit: queryCount(1, 100).optional(), cursor: cursor.optional() });
const nextCursor = z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; `null` on the last page' });

/**
 * `GET /v1/waddles?limit=&cursor=`: the waddles the caller belongs to, most recently joined first
 * (ties by waddle id), a page at a time (100 by default), with `nextCursor` while more remain.
 *
 * ```sql
 * SELECT w.…, m.joined_at FROM waddle_members m JOIN waddles w ON w.id = m.waddle_id
 * WHERE m.user_id = ? AND (m.joined_at < ? OR (m.joined_at = ? AND m.waddle_id > ?))   -- after the cursor
 * ORDER BY m.joined_at DESC, m.waddle_id LIMIT ?                                      -- index waddle_members_by_user
 * ```
 */
export const listMyWaddles = createRoute({
  operationId: 'listMyWaddles',
  method: 'get',
  path: '/v1/waddles',
  tags: ['waddles'],
  summary: 'The waddles the caller is a member of',
  middleware: AUTHENTICATED,
  request: { query: pageQuery },
  responses: {
    200: jsonAnswer(
      z.strictObject({ waddles: z.array(z.strictObject({ ...waddleFields, joinedAt: z.int() })), nextCursor }),
      "A page of the caller's waddles, most recently joined first",
    ),
    ...errorAnswers(AUTHENTICATED_ERRORS),
  },
});

/**
 * `POST /v1/waddles`: creates a waddle owned by the caller, its database placed in a binding slice
 * (docs/binding-slices.md). The database is created through the D1 REST API (`POST
 * /accounts/{account_id}/d1/database`); the newest slice with room is uploaded again with its
 * binding added (`PUT /accounts/{account_id}/workers/dispatch/namespaces/{namespace}/scripts/{slice}`,
 * carrying the slice Worker this Worker bundles; the first upload of a new name opens the next
 * slice), the slice's migrate job brings it to the latest waddle schema, then it is registered
 * with its slice and the owner's membership (see `createWaddle`): two control-plane calls, no
 * REST statement. A creation that fails after creating the database deletes it (`DELETE
 * /accounts/{account_id}/d1/database/{database_id}`), and a slice that took the binding is
 * uploaded again without it; one that loses the race for its name to a concurrent one answers
 * 409 like a taken name. 503 `provisioning_unavailable` when this Worker has no D1 REST API or no
 * way to the slices configured, when the slice refused the upload, failed to start or could not
 * be reached, or stayed leased to another provisioning for a minute: nothing is left registered.
 */
export const createWaddleRoute = createRoute({
  operationId: 'createWaddle',
  method: 'post',
  path: '/v1/waddles',
  tags: ['waddles'],
  summary: 'Create a waddle (provisions its database)',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    query: NO_QUERY,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            name: z.string().regex(/^[a-z0-9-]{2,64}$/, 'must be 2 to 64 of a-z, 0-9 and -'),
            displayName: singleLine(1, 100),
            description: singleLine(0, 1024).optional(),
            isPublic: z.boolean().optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonAnswer(waddleBody, 'The new waddle, its database created and migrated'),
    ...errorAnswers([...AUTHENTICATED_ERRORS, ...BODY_ERRORS, 409], {
      409: 'The name is taken (`name_taken`), also for the loser of two creations at once',
      503: "The database cannot be created or placed (`provisioning_unavailable`: no D1 REST API or dispatch namespace configured, or its binding slice refused the upload, failed to start or is busy; nothing is registered), or the identity provider's keys cannot be fetched",
    }),
  },
});

/** `GET /v1/waddles/{waddle}`: one waddle the caller belongs to, with the caller's permissions. */
export const getWaddle = createRoute({
  operationId: 'getWaddle',
  method: 'get',
  path: '/v1/waddles/{waddle}',
  tags: ['waddles'],
  summary: 'A waddle the caller is a member of, with their permissions',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(
      z.strictObject({ ...waddleFields, isOwner: z.boolean(), permissions: z.int(), permissionNames: permissionNameList }),
      "The waddle, with the caller's permission bits and their names",
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/**
 * `GET /v1/directory`: public waddles, most members first, paged by an opaque cursor.
 *
 * ```sql
 * SELECT w.… FROM waddles w WHERE w.is_public = 1
 *   AND (w.member_count < ? OR (w.member_count = ? AND w.id > ?))   -- after the cursor
 * ORDER BY w.member_count DESC, w.id LIMIT ?                        -- index waddles_public_by_members
 * ```
 */
export const listDirectory = createRoute({
  operationId: 'listDirectory',
  method: 'get',
  path: '/v1/directory',
  tags: ['waddles'],
  summary: 'Public waddles by member count',
  middleware: AUTHENTICATED,
  request: { query: pageQuery },
  responses: {
    200: jsonAnswer(z.strictObject({ waddles: z.array(waddleBody), nextCursor }), 'A page of public waddles, most members first'),
    ...errorAnswers(AUTHENTICATED_ERRORS),
  },
});

/** The waddle routes: the caller's waddles, creating one, one waddle, and the directory of public ones. */
export const waddles = routeGroup()
  .openapi(listMyWaddles, async (c) => {
    const query = c.req.valid('query');
    const { directory, caller } = await c.var.requestContext();
    const limit = query.limit ?? 100;
    const after = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor);
    const results = await memberWaddles(directory, caller.id, { limit: limit + 1, after });
    const { page, nextCursor } = keyedPage(results, limit, (row) => ({ key: row.joined_at, id: row.id }));
    return c.json({ waddles: page.map((row) => ({ ...waddleJson(row), joinedAt: row.joined_at })), nextCursor }, 200);
  })
  .openapi(createWaddleRoute, async (c) => {
    const body = c.req.valid('json');
    const context = await c.var.requestContext();
    const api = cloudflareApiSettings(context.env as unknown as Readonly<Record<string, unknown>>);
    if (!api) throw new ApiError(503, 'provisioning_unavailable', 'this deployment cannot create databases (no D1 REST API configured)');
    const slices = slicePlacement(context.env as unknown as Readonly<Record<string, unknown>>);
    if (!slices)
      throw new ApiError(503, 'provisioning_unavailable', 'this deployment cannot place databases (no dispatch namespace configured)');
    let created: Awaited<ReturnType<typeof createWaddle>>;
    try {
      // The central database is this Worker's binding; the target reaches only the waddle databases.
      created = await createWaddle(
        context.central,
        remoteTarget(api, '', { slices }),
        {
          name: body.name,
          displayName: body.displayName,
          description: body.description,
          isPublic: body.isPublic,
          ownerId: context.caller.id,
        },
        { clock: () => context.now },
      );
    } catch (error) {
      if (error instanceof WaddleProvisioningError && error.reason === 'name-taken') throw conflict('name_taken', error.message);
      if (error instanceof WaddleProvisioningError && error.reason === 'invalid-name') throw badRequest('invalid_body', error.message);
      if ((error instanceof WaddleProvisioningError && error.reason === 'slice-failed') || error instanceof SliceBusyError) {
        // Nothing is left of the attempt, but operators need to hear of a slice that cannot be uploaded or reached.
        logUnexpectedError('waddle not placed', { worker: 'waddle-api', route: routeName(c), requestId: requestIdOf(c.req.raw) }, error);
        throw new ApiError(
          503,
          'provisioning_unavailable',
          "the new waddle's binding slice cannot be uploaded or reached right now; try again later",
        );
      }
      throw error;
    }
    await auditQuery(context, {
      action: 'waddle.create',
      resourceType: 'waddle',
      resourceId: String(created.waddleId),
      metadata: { name: body.name },
    }).execute();
    const row = await findShownWaddle(context.directory, created.waddleId);
    if (!row) throw new Error(`waddle ${created.waddleId}: registered by createWaddle, yet not found`);
    return c.json(waddleJson(row), 201);
  })
  .openapi(getWaddle, async (c) => {
    const { waddle } = c.req.valid('param');
    const { access } = await openWaddle(await c.var.requestContext(waddle), waddle);
    return c.json(
      {
        ...waddleJson(access.waddle),
        isOwner: access.isOwner,
        permissions: access.permissions,
        permissionNames: permissionNames(access.permissions),
      },
      200,
    );
  })
  .openapi(listDirectory, async (c) => {
    const query = c.req.valid('query');
    const { directory } = await c.var.requestContext();
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor);
    const results = await publicWaddles(directory, { limit: limit + 1, after });
    const { page, nextCursor } = keyedPage(results, limit, (row) => ({ key: row.member_count, id: row.id }));
    return c.json({ waddles: page.map(waddleJson), nextCursor }, 200);
  });
