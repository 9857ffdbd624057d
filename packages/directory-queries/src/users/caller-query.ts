import type { DB } from '@waddle/central-schema/database';
import type { Kysely } from 'kysely';

/**
 * The query that reads the user a verified token names, with whether a global ban of them is in
 * force at `now` (permanent, or expiring later). For a batch: the API sends it in the same round
 * trip as the registry row of the waddle the request is about.
 *
 * ```sql
 * SELECT u.id, u.username, u.deleted_at, b.user_id IS NOT NULL AS banned
 * FROM users u LEFT JOIN global_bans b ON b.user_id = u.id AND (b.expires_at IS NULL OR b.expires_at > ?)
 * WHERE u.id = ?
 * ```
 *
 * @example
 * ```ts
 * const [users] = await runBatch(directory, [callerQuery(directory.db, 42, now)]);
 * users.results[0]; // { id: 42, username: 'ada', deleted_at: null, banned: 0 }, or undefined
 * ```
 */
export function callerQuery(db: Kysely<DB>, userId: number, now: number) {
  return db
    .selectFrom('users as u')
    .leftJoin('global_bans as b', (join) =>
      join.onRef('b.user_id', '=', 'u.id').on((eb) => eb.or([eb('b.expires_at', 'is', null), eb('b.expires_at', '>', now)])),
    )
    .select(['u.id', 'u.username', 'u.deleted_at'])
    .select((eb) => eb('b.user_id', 'is not', null).$castTo<0 | 1>().as('banned'))
    .where('u.id', '=', userId);
}
