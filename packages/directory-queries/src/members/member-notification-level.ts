import type { DB } from '@waddle/central-schema/database';
import type { Selectable } from 'kysely';
import type { DirectoryDatabase } from '../directory-database.ts';

/** What raises a badge in a waddle for a member: every unread message, only mentions, or nothing. */
export type MemberNotificationLevel = Selectable<DB['waddle_members']>['notification_level'];

/**
 * A member's notification level in a waddle (`all` unless they changed it), or `null` when they
 * are not a member. The waddle database's per-channel overrides win over it (`effectiveLevel`).
 *
 * ```sql
 * SELECT notification_level FROM waddle_members WHERE waddle_id = ? AND user_id = ?
 * ```
 *
 * @example
 * ```ts
 * const level = await memberNotificationLevel(directory, 7, 42); // 'all' | 'mentions' | 'none' | null
 * ```
 */
export async function memberNotificationLevel(
  directory: DirectoryDatabase,
  waddleId: number,
  userId: number,
): Promise<MemberNotificationLevel | null> {
  const row = await directory.db
    .selectFrom('waddle_members')
    .select('notification_level')
    .where('waddle_id', '=', waddleId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.notification_level ?? null;
}
