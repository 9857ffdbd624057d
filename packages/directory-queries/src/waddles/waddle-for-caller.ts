import type { DB, Databases } from '@waddle/central-schema/database';
import type { Kysely, Selectable } from 'kysely';
import { laterMessageShardsColumn } from './later-message-shards.ts';
import { SHOWN_WADDLE_COLUMNS, type ShownWaddle } from './shown-waddle.ts';

/**
 * A waddle's registry row with whether the caller is a member of it, and whether they ever were
 * (`user_waddles` remembers every join, after a leave, kick or ban); where its primary database
 * is, from its directory row (`databases`: its D1 id, its binding and the binding slice it is
 * reached through, see `locationOf`), never from the registry columns that row supersedes; and its
 * message shards after the primary (`message_shards`, JSON: see `parseLaterMessageShards`; `[]`
 * for one database).
 */
export type WaddleForCaller = ShownWaddle &
  Pick<Selectable<Databases>, 'd1_database_id' | 'binding' | 'slice'> & {
    readonly is_member: 0 | 1;
    readonly was_member: 0 | 1;
    readonly message_shards: string | null;
  };

/**
 * The query that reads a waddle's registry row and the caller's membership, present and past, in
 * one lookup. For a batch: the API sends it in the same round trip as the caller's own row, so a
 * request about a waddle costs one central round trip. A waddle without a directory row for its
 * primary database (none is registered that way: provisioning inserts both in one batch) is not
 * found.
 *
 * ```sql
 * SELECT w.id, w.name, w.display_name, w.description, w.icon_url, w.owner_id, w.is_public, w.member_count, w.created_at,
 *        d.d1_database_id, d.binding, d.slice, m.user_id IS NOT NULL AS is_member,
 *        EXISTS (SELECT 1 FROM user_waddles u WHERE u.user_id = ? AND u.waddle_id = w.id) AS was_member,
 *        (SELECT json_group_array(…) FROM databases AS s WHERE s.shard_waddle_id = w.id AND …) AS message_shards  -- laterMessageShardsColumn
 * FROM waddles w LEFT JOIN waddle_members m ON m.waddle_id = w.id AND m.user_id = ?
 *   INNER JOIN databases d ON d.id = w.primary_database_id
 * WHERE w.id = ?
 * ```
 *
 * @example
 * ```ts
 * const row = await waddleForCallerQuery(directory.db, 42, 7).executeTakeFirst(); // WaddleForCaller | undefined
 * ```
 */
export function waddleForCallerQuery(db: Kysely<DB>, callerId: number, waddleId: number) {
  return db
    .selectFrom('waddles as w')
    .leftJoin('waddle_members as m', (join) => join.onRef('m.waddle_id', '=', 'w.id').on('m.user_id', '=', callerId))
    .innerJoin('databases as d', 'd.id', 'w.primary_database_id')
    .select([...SHOWN_WADDLE_COLUMNS, 'd.d1_database_id', 'd.binding', 'd.slice'])
    .select((eb) => [
      eb('m.user_id', 'is not', null).$castTo<0 | 1>().as('is_member'),
      eb
        .exists(
          eb
            .selectFrom('user_waddles as u')
            .select(eb.lit(1).as('one'))
            .where('u.user_id', '=', callerId)
            .whereRef('u.waddle_id', '=', 'w.id'),
        )
        .$castTo<0 | 1>()
        .as('was_member'),
      laterMessageShardsColumn(eb),
    ])
    .where('w.id', '=', waddleId);
}
