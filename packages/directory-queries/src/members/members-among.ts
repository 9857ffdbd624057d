import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * Which of `userIds` are members of the waddle now: the API's answer to "may this `<@id>` be
 * recorded as a mention" (membership lives in the directory, the mention in the waddle
 * database). A message names at most 50 users and roles, so the ids are bound one by one.
 *
 * ```sql
 * SELECT user_id FROM waddle_members WHERE waddle_id = ? AND user_id IN (?, ?, …)   -- primary key (waddle_id, user_id)
 * ```
 *
 * @example
 * ```ts
 * const memberIds = await membersAmong(directory, 7, writtenMentions(content).userIds);
 * ```
 */
export async function membersAmong(directory: DirectoryDatabase, waddleId: number, userIds: readonly number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  const rows = await directory.db
    .selectFrom('waddle_members')
    .select('user_id')
    .where('waddle_id', '=', waddleId)
    .where('user_id', 'in', userIds)
    .execute();
  return rows.map((row) => row.user_id);
}
