import { runBatch } from '@waddle/d1/run-batch';
import { removeMembershipQuery } from '@waddle/directory-queries/members/remove-membership';
import { activeUserExists } from '@waddle/directory-queries/users/active-user-exists';
import type { BanRow } from '@waddle/queries/bans/ban-row';
import { banUser } from '@waddle/queries/bans/ban-user';
import { liftBan } from '@waddle/queries/bans/lift-ban';
import { listBansInForce } from '@waddle/queries/bans/list-bans';
import { z } from 'zod';
import { requireOutranks } from '../access/member-rank.ts';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { badRequest, forbidden, notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { singleLine } from '../http/schemas.ts';

function banJson(ban: BanRow) {
  return { userId: ban.user_id, reason: ban.reason, bannedBy: ban.banned_by, bannedAt: ban.banned_at, expiresAt: ban.expires_at };
}

/**
 * `GET /v1/waddles/{waddle}/bans` (BAN_MEMBERS): bans in force, newest first.
 *
 * ```sql
 * SELECT * FROM bans WHERE expires_at IS NULL OR expires_at > ? ORDER BY banned_at DESC LIMIT 1000
 * ```
 */
export const listBans = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/bans',
  tag: 'moderation',
  summary: 'Bans in force',
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.BAN_MEMBERS, 'listing bans');
    return { bans: (await listBansInForce(access.database, context.now)).map(banJson) };
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
export const banMember = route({
  method: 'PUT',
  path: '/v1/waddles/{waddle}/bans/{user}',
  tag: 'moderation',
  summary: 'Ban a user from the waddle',
  body: z.strictObject({
    reason: singleLine(0, 512).optional(),
    expiresAt: z.int().min(1).max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  }),
  async handle({ params, body }, context) {
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
    return banJson(ban);
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/bans/{user}` (BAN_MEMBERS): lifts a ban (the user may join again).
 *
 * ```sql
 * DELETE FROM bans WHERE user_id = ? RETURNING user_id
 * ```
 */
export const unbanMember = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/bans/{user}',
  tag: 'moderation',
  summary: 'Lift a ban',
  status: 204,
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    access.require(Permission.BAN_MEMBERS, 'lifting a ban');
    if (!(await liftBan(access.database, params.user))) throw notFound('ban');
    await auditQuery(context, {
      action: 'member.unban',
      resourceType: 'waddle',
      resourceId: String(access.waddle.id),
      metadata: { userId: params.user },
    }).execute();
  },
});
