import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Lifts a user's ban. Returns whether there was one.
 *
 * ```sql
 * DELETE FROM bans WHERE user_id = ? RETURNING user_id
 * ```
 */
export async function liftBan(waddle: WaddleDatabase, userId: number): Promise<boolean> {
  const removed = await waddle.db.deleteFrom('bans').where('user_id', '=', userId).returning('user_id').executeTakeFirst();
  return removed !== undefined;
}
