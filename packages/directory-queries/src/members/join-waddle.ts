import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * Makes a user a member of a waddle (joining again changes nothing; the schema's triggers count
 * the member and remember the join in `user_waddles`), then reads when they joined: the first
 * join's time for a member already there.
 *
 * ```sql
 * INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING;
 * SELECT joined_at FROM waddle_members WHERE waddle_id = ? AND user_id = ?;
 * ```
 *
 * @example
 * ```ts
 * const joinedAt = await joinWaddle(directory, { waddleId: 7, userId: 42, joinedAt: context.now });
 * ```
 */
export async function joinWaddle(
  directory: DirectoryDatabase,
  join: { readonly waddleId: number; readonly userId: number; readonly joinedAt: number },
): Promise<number> {
  await directory.db
    .insertInto('waddle_members')
    .values({ waddle_id: join.waddleId, user_id: join.userId, joined_at: join.joinedAt })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const member = await directory.db
    .selectFrom('waddle_members')
    .select('joined_at')
    .where('waddle_id', '=', join.waddleId)
    .where('user_id', '=', join.userId)
    .executeTakeFirstOrThrow();
  return member.joined_at;
}
