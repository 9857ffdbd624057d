import { createRoute, z } from '@hono/zod-openapi';
import { runBatch } from '@waddle/d1/run-batch';
import { joinWaddle as insertMembership } from '@waddle/directory-queries/members/join-waddle';
import { listMembers as readMembers } from '@waddle/directory-queries/members/list-members';
import { removeMembershipQuery } from '@waddle/directory-queries/members/remove-membership';
import { memberRoleIds } from '@waddle/queries/roles/member-role-ids';
import { revokeAllRoles } from '@waddle/queries/roles/revoke-all-roles';
import { requireOutranks } from '../access/member-rank.ts';
import { requireMember } from '../access/require-member.ts';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { conflict, notFound } from '../http/api-error.ts';
import { decodeKeyCursor, keyedPage } from '../http/key-cursor.ts';
import { errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, NO_QUERY } from '../http/route-middleware.ts';
import { cursor, pathId, queryCount } from '../http/schemas.ts';

/**
 * `GET /v1/waddles/{waddle}/members`: members, most recently joined first, with their role ids.
 *
 * ```sql
 * SELECT m.user_id, m.nickname, m.joined_at, u.username, u.display_name, u.avatar_url
 * FROM waddle_members m JOIN users u ON u.id = m.user_id
 * WHERE m.waddle_id = ? AND (m.joined_at < ? OR (m.joined_at = ? AND m.user_id > ?))   -- after the cursor
 * ORDER BY m.joined_at DESC, m.user_id LIMIT ?;                                        -- index waddle_members_by_waddle
 * SELECT user_id, role_id FROM member_roles WHERE user_id IN (…);                      -- waddle database
 * ```
 */
export const listMembers = createRoute({
  operationId: 'listMembers',
  method: 'get',
  path: '/v1/waddles/{waddle}/members',
  tags: ['members'],
  summary: 'Members of a waddle',
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: z.strictObject({ limit: queryCount(1, 100).optional(), cursor: cursor.optional() }),
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        members: z.array(
          z.strictObject({
            userId: z.int(),
            username: z.string(),
            displayName: z.string().nullable(),
            avatarUrl: z.string().nullable(),
            nickname: z.string().nullable(),
            joinedAt: z.int(),
            roleIds: z
              .array(z.int())
              .openapi({ description: 'The roles granted to the member (every member also holds the default role, 0)' }),
          }),
        ),
        nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; `null` on the last page' }),
      }),
      'A page of members, most recently joined first',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/**
 * `POST /v1/waddles/{waddle}/members`: the caller joins a public waddle (a private one answers
 * 404; a ban 403). Joining twice changes nothing.
 *
 * ```sql
 * INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
 * ```
 */
export const joinWaddle = createRoute({
  operationId: 'joinWaddle',
  method: 'post',
  path: '/v1/waddles/{waddle}/members',
  tags: ['members'],
  summary: 'Join a public waddle',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    201: jsonAnswer(
      z.strictObject({ waddleId: z.int(), userId: z.int(), joinedAt: z.int() }),
      'The caller is a member (since `joinedAt`, also when they already were)',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS, { 403: 'Banned from the platform (`banned`) or from this waddle (`banned_from_waddle`)' }),
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/members/{user}`: leave (the caller themself; the owner cannot) or
 * kick (needs KICK_MEMBERS and a higher role than the member; recorded in the audit log). The
 * member's role grants go first, then the membership with the audit entry in one batch.
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ?;                                    -- waddle database
 * DELETE FROM waddle_members WHERE waddle_id = ? AND user_id = ?;                -- central, with:
 * INSERT INTO audit_log (…) VALUES (…);                                          -- for a kick
 * ```
 */
export const removeMember = createRoute({
  operationId: 'removeMember',
  method: 'delete',
  path: '/v1/waddles/{waddle}/members/{user}',
  tags: ['members'],
  summary: 'Leave a waddle, or kick a member',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, user: pathId }), query: NO_QUERY },
  responses: {
    204: { description: 'The member is gone (the caller left, or was kicked)' },
    ...errorAnswers([...IN_WADDLE_ERRORS, 409], { 409: 'The owner cannot leave their waddle (`owner_cannot_leave`)' }),
  },
});

/** The member routes: listing, joining, leaving and kicking. */
export const members = routeGroup()
  .openapi(listMembers, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor);
    const rows = await readMembers(context.directory, access.waddle.id, { limit: limit + 1, after });
    const { page, nextCursor } = keyedPage(rows, limit, (m) => ({ key: m.joined_at, id: m.user_id }));
    const roles = await memberRoleIds(
      access.database,
      page.map((m) => m.user_id),
    );
    return c.json(
      {
        members: page.map((m) => ({
          userId: m.user_id,
          username: m.username,
          displayName: m.display_name,
          avatarUrl: m.avatar_url,
          nickname: m.nickname,
          joinedAt: m.joined_at,
          roleIds: roles.get(m.user_id) ?? [],
        })),
        nextCursor,
      },
      200,
    );
  })
  .openapi(joinWaddle, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle, {}, { allowNonMember: true });
    if (access.waddle.is_public !== 1 && !access.isMember) throw notFound('waddle');
    const joinedAt = await insertMembership(context.directory, {
      waddleId: access.waddle.id,
      userId: context.caller.id,
      joinedAt: context.now,
    });
    return c.json({ waddleId: access.waddle.id, userId: context.caller.id, joinedAt }, 201);
  })
  .openapi(removeMember, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const self = params.user === context.caller.id;
    if (self && access.isOwner) throw conflict('owner_cannot_leave', 'the owner cannot leave their waddle');
    if (!self) {
      access.require(Permission.KICK_MEMBERS, 'removing a member');
      await requireMember(context, access.waddle.id, params.user);
      await requireOutranks(access, access.database, params.user, 'removing a member');
    }
    await revokeAllRoles(access.database, params.user);
    const remove = removeMembershipQuery(context.directory.db, access.waddle.id, params.user);
    if (self) await remove.execute();
    else {
      const kick = auditQuery(context, {
        action: 'member.kick',
        resourceType: 'waddle',
        resourceId: String(access.waddle.id),
        metadata: { userId: params.user },
      });
      await runBatch(context.directory, [remove, kick]);
    }
    return c.body(null, 204);
  });
