import { runBatch } from '@waddle/d1/run-batch';
import { joinWaddle as insertMembership } from '@waddle/directory-queries/members/join-waddle';
import { listMembers as readMembers } from '@waddle/directory-queries/members/list-members';
import { removeMembershipQuery } from '@waddle/directory-queries/members/remove-membership';
import { memberRoleIds } from '@waddle/queries/roles/member-role-ids';
import { revokeAllRoles } from '@waddle/queries/roles/revoke-all-roles';
import { z } from 'zod';
import { requireOutranks } from '../access/member-rank.ts';
import { requireMember } from '../access/require-member.ts';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { conflict, notFound } from '../http/api-error.ts';
import { decodeKeyCursor, keyedPage } from '../http/key-cursor.ts';
import { route } from '../http/route.ts';
import { cursor, queryCount } from '../http/schemas.ts';

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
export const listMembers = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/members',
  tag: 'members',
  summary: 'Members of a waddle',
  query: z.strictObject({ limit: queryCount(1, 100).optional(), cursor: cursor.optional() }),
  async handle({ params, query }, context) {
    const { access } = await openWaddle(context, params.waddle);
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : decodeKeyCursor(query.cursor);
    const rows = await readMembers(context.directory, access.waddle.id, { limit: limit + 1, after });
    const { page, nextCursor } = keyedPage(rows, limit, (m) => ({ key: m.joined_at, id: m.user_id }));
    const roles = await memberRoleIds(
      access.database,
      page.map((m) => m.user_id),
    );
    return {
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
    };
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
export const joinWaddle = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/members',
  tag: 'members',
  summary: 'Join a public waddle',
  status: 201,
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle, {}, { allowNonMember: true });
    if (access.waddle.is_public !== 1 && !access.isMember) throw notFound('waddle');
    const joinedAt = await insertMembership(context.directory, {
      waddleId: access.waddle.id,
      userId: context.caller.id,
      joinedAt: context.now,
    });
    return { waddleId: access.waddle.id, userId: context.caller.id, joinedAt };
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
export const removeMember = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/members/{user}',
  tag: 'members',
  summary: 'Leave a waddle, or kick a member',
  status: 204,
  async handle({ params }, context) {
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
  },
});
