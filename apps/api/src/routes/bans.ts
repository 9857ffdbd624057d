import { z } from 'zod';
import { requireOutranks } from '../access/member-rank.ts';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditStatement } from '../audit/audit-log.ts';
import { badRequest, forbidden, notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { singleLine } from '../http/schemas.ts';

interface BanRow {
  user_id: number;
  reason: string | null;
  banned_by: number;
  banned_at: number;
  expires_at: number | null;
}

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
    const { results } = await access.database.d1
      .prepare('SELECT * FROM bans WHERE expires_at IS NULL OR expires_at > ? ORDER BY banned_at DESC LIMIT 1000')
      .bind(context.now)
      .all<BanRow>();
    return { bans: results.map(banJson) };
  },
});

/**
 * `PUT /v1/waddles/{waddle}/bans/{user}` (BAN_MEMBERS): bans a user the caller outranks, until
 * `expiresAt` or for good: the ban and the removal of their role grants in one batch of the
 * waddle database, then their membership removed with the audit entry in one central batch.
 * Banning again replaces the ban.
 *
 * ```sql
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
    const user = await context.central.prepare('SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL').bind(params.user).first();
    if (!user) throw notFound('user');
    await requireOutranks(access, access.database, params.user, 'banning');
    const d1 = access.database.d1;
    const [banned] = await d1.batch<BanRow>([
      d1
        .prepare(
          `INSERT INTO bans (user_id, reason, banned_by, banned_at, expires_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, banned_by = excluded.banned_by, banned_at = excluded.banned_at, expires_at = excluded.expires_at
           RETURNING *`,
        )
        .bind(params.user, body.reason || null, context.caller.id, context.now, body.expiresAt ?? null),
      d1.prepare('DELETE FROM member_roles WHERE user_id = ?').bind(params.user),
    ]);
    await context.central.batch([
      context.central.prepare('DELETE FROM waddle_members WHERE waddle_id = ? AND user_id = ?').bind(access.waddle.id, params.user),
      auditStatement(context, {
        action: 'member.ban',
        resourceType: 'waddle',
        resourceId: String(access.waddle.id),
        metadata: { userId: params.user, expiresAt: body.expiresAt ?? null },
      }),
    ]);
    return banJson(banned!.results[0]!);
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
    const removed = await access.database.d1.prepare('DELETE FROM bans WHERE user_id = ? RETURNING user_id').bind(params.user).first();
    if (!removed) throw notFound('ban');
    await auditStatement(context, {
      action: 'member.unban',
      resourceType: 'waddle',
      resourceId: String(access.waddle.id),
      metadata: { userId: params.user },
    }).run();
  },
});
