import { createRoute, z } from '@hono/zod-openapi';
import { runBatch } from '@waddle/d1/run-batch';
import { removeMembershipQuery } from '@waddle/directory-queries/members/remove-membership';
import { activeUserExists } from '@waddle/directory-queries/users/active-user-exists';
import type { BanRow } from '@waddle/queries/bans/ban-row';
import { banUser } from '@waddle/queries/bans/ban-user';
import { liftBan } from '@waddle/queries/bans/lift-ban';
import { listBansInForce } from '@waddle/queries/bans/list-bans';
import { requireOutranks } from '../access/member-rank.ts';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { badRequest, forbidden, notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { pathId, singleLine } from '../http/schemas.ts';

/** A ban as the API returns it. */
const banBody = z.strictObject({
  userId: z.int(),
  reason: z.string().nullable(),
  bannedBy: z.int(),
  bannedAt: z.int(),
  expiresAt: z.int().nullable().openapi({ description: 'ms since the epoch; `null`: for good' }),
});

function banJson(ban: BanRow): z.infer<typeof banBody> {
  return { userId: ban.user_id, reason: ban.reason, bannedBy: ban.banned_by, bannedAt: ban.banned_at, expiresAt: ban.expires_at };
}

/**
 * `GET /v1/waddles/{waddle}/bans` (BAN_MEMBERS): bans in force, newest first.
 *
 * ```sql
 * SELECT * FROM bans WHERE expires_at IS NULL OR expires_at > ? ORDER BY banned_at DESC LIMIT 1000
 * ```
 */
export const listBans = createRoute({
  operationId: 'listBans',
  method: 'get',
  path: '/v1/waddles/{waddle}/bans',
  tags: ['moderation'],
  summary: 'Bans in force',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(z.strictObject({ bans: z.array(banBody) }), 'The bans in force, newest first (at most 1,000)'),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/**
 * `PUT /v1/waddles/{waddle}/bans/{user}` (BAN_MEMBERS): bans a user the caller outranks, until
 * `expiresAt` or for good: the ban and the removal of their role grants in one batch of the
 * waddle database, then their membership removed with the audit entry in one central batch.
 * Banning again replaces the ban.
 *
 * ```sql
 * -- activeUserExists, highestRolePosition (see requireOutranks), then banUser:
 * INSERT INTO bans (user_id, reason, banned_by, banned_at, expires_at) VALUES (?, ?, ?, ?, ?)
 *   ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, banned_by = excluded.banned_by, banned_at = excluded.banned_at, expires_at = excluded.expires_at;
 * DELETE FROM member_roles WHERE user_id = ?;
 * -- central:
 * DELETE FROM waddle_members WHERE waddle_id = ? AND user_id = ?;
 * INSERT INTO audit_log (…) VALUES (…);
 * ```
 */
export const banMember = createRoute({
  operationId: 'banMember',
  method: 'put',
  path: '/v1/waddles/{waddle}/bans/{user}',
  tags: ['moderation'],
  summary: 'Ban a user from the waddle',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, user: pathId }),
    query: NO_QUERY,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            reason: singleLine(0, 512).optional(),
            expiresAt: z.int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonAnswer(banBody, 'The ban in force'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], {
      403: 'Banned, lacking BAN_MEMBERS, banning oneself (`cannot_ban_self`), or a member not ranked below the caller (`outranked`)',
    }),
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/bans/{user}` (BAN_MEMBERS): lifts a ban (the user may join again).
 *
 * ```sql
 * DELETE FROM bans WHERE user_id = ? RETURNING user_id
 * ```
 */
export const unbanMember = createRoute({
  operationId: 'unbanMember',
  method: 'delete',
  path: '/v1/waddles/{waddle}/bans/{user}',
  tags: ['moderation'],
  summary: 'Lift a ban',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, user: pathId }), query: NO_QUERY },
  responses: { 204: { description: 'The ban is lifted' }, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** The ban routes. */
export const bans = routeGroup()
  .openapi(listBans, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.BAN_MEMBERS, 'listing bans');
    return c.json({ bans: (await listBansInForce(access.database, context.now)).map(banJson) }, 200);
  })
  .openapi(banMember, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.BAN_MEMBERS, 'banning');
    if (params.user === context.caller.id) throw forbidden('cannot_ban_self', 'you cannot ban yourself');
    if (body.expiresAt != null && body.expiresAt <= context.now) throw badRequest('invalid_body', 'body.expiresAt: must be in the future');
    if (!(await activeUserExists(context.directory, params.user))) throw notFound('user');
    await requireOutranks(access, access.database, params.user, 'banning');
    const ban = await banUser(access.database, {
      userId: params.user,
      reason: body.reason || null,
      bannedBy: context.caller.id,
      bannedAt: context.now,
      expiresAt: body.expiresAt ?? null,
    });
    await runBatch(context.directory, [
      removeMembershipQuery(context.directory.db, access.waddle.id, params.user),
      auditQuery(context, {
        action: 'member.ban',
        resourceType: 'waddle',
        resourceId: String(access.waddle.id),
        metadata: { userId: params.user, expiresAt: body.expiresAt ?? null },
      }),
    ]);
    return c.json(banJson(ban), 200);
  })
  .openapi(unbanMember, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.BAN_MEMBERS, 'lifting a ban');
    if (!(await liftBan(access.database, params.user))) throw notFound('ban');
    await auditQuery(context, {
      action: 'member.unban',
      resourceType: 'waddle',
      resourceId: String(access.waddle.id),
      metadata: { userId: params.user },
    }).execute();
    return c.body(null, 204);
  });
