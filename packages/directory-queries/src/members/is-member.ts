import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * Whether a user is a member of a waddle now.
 *
 * ```sql
 * SELECT 1 FROM waddle_members WHERE waddle_id = ? AND user_id = ?
 * ```
 */
export async function isMember(directory: DirectoryDatabase, waddleId: number, userId: number): Promise<boolean> {
  const found = await directory.db
    .selectFrom('waddle_members')
    .select((eb) => eb.lit(1).as('found'))
    .where('waddle_id', '=', waddleId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return found !== undefined;
}
