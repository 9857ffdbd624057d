import type { DirectoryDatabase } from '../directory-database.ts';
import type { MemberNotificationLevel } from './member-notification-level.ts';

/**
 * Sets a member's notification level in a waddle. Returns `false`, writing nothing, when they
 * are not a member.
 *
 * ```sql
 * UPDATE waddle_members SET notification_level = ? WHERE waddle_id = ? AND user_id = ?
 * ```
 *
 * @example
 * ```ts
 * await setMemberNotificationLevel(directory, { waddleId: 7, userId: 42, level: 'mentions' });
 * ```
 */
export async function setMemberNotificationLevel(
  directory: DirectoryDatabase,
  choice: { readonly waddleId: number; readonly userId: number; readonly level: MemberNotificationLevel },
): Promise<boolean> {
  const result = await directory.db
    .updateTable('waddle_members')
    .set({ notification_level: choice.level })
    .where('waddle_id', '=', choice.waddleId)
    .where('user_id', '=', choice.userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
