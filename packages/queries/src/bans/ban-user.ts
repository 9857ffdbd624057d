import { revokeAllRolesQuery } from '../roles/revoke-all-roles.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import type { BanRow } from './ban-row.ts';

/** A ban to record; banning again replaces the previous ban of the user. */
export interface NewBan {
  readonly userId: number;
  readonly reason: string | null;
  readonly bannedBy: number;
  /** When (ms since the epoch): the caller's clock. */
  readonly bannedAt: number;
  /** Until when (ms since the epoch); `null` for good. */
  readonly expiresAt: number | null;
}

/**
 * Bans a user and takes their role grants away, in one atomic `batch()`: neither happens without
 * the other. Returns the ban as stored.
 *
 * ```sql
 * INSERT INTO bans (user_id, reason, banned_by, banned_at, expires_at) VALUES (?, ?, ?, ?, ?)
 *   ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, banned_by = excluded.banned_by,
 *   banned_at = excluded.banned_at, expires_at = excluded.expires_at
 *   RETURNING *;
 * DELETE FROM member_roles WHERE user_id = ?;
 * ```
 *
 * @example
 * ```ts
 * const ban = await banUser(waddle, { userId: 42, reason: 'spam', bannedBy: 1, bannedAt: context.now, expiresAt: null });
 * ```
 */
export async function banUser(waddle: WaddleDatabase, ban: NewBan): Promise<BanRow> {
  const [banned] = await runBatch(waddle, [
    waddle.db
      .insertInto('bans')
      .values({ user_id: ban.userId, reason: ban.reason, banned_by: ban.bannedBy, banned_at: ban.bannedAt, expires_at: ban.expiresAt })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet((eb) => ({
          reason: eb.ref('excluded.reason'),
          banned_by: eb.ref('excluded.banned_by'),
          banned_at: eb.ref('excluded.banned_at'),
          expires_at: eb.ref('excluded.expires_at'),
        })),
      )
      .returningAll(),
    revokeAllRolesQuery(waddle.db, ban.userId),
  ]);
  const row = banned.results[0];
  if (!row) throw new Error(`ban of user ${ban.userId}: the upsert returned no row`);
  return row;
}
