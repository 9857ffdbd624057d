import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely, statementOf } from './directory-kysely.ts';

/** One database of a waddle's messages, as the directory's shard map records it. */
export interface MessageShardEntry {
  /** The directory row (`databases.id`). */
  readonly directoryId: number;
  readonly d1DatabaseId: string;
  /** The first message id of its range: 1 for the primary. */
  readonly firstMessageId: number;
  /**
   * `taking` (the primary before any shard took over), `active`, `sealed`, or `opening` (being
   * created by a switch: it holds no message yet and serves nothing).
   */
  readonly state: 'taking' | 'active' | 'sealed' | 'opening';
  /** The binding slice the data path reaches it through, or `null` (a static binding or the REST API). */
  readonly slice: string | null;
}

/** A waddle's message shards, the primary first, in id order (an `opening` shard last). */
export interface MessageShardMap {
  readonly waddleId: number;
  readonly shards: readonly MessageShardEntry[];
}

/** The statement of {@link readMessageShardMap}. */
export function messageShardMapQuery(waddleId: number) {
  return directoryKysely
    .selectFrom('databases')
    .select(['id', 'd1_database_id', 'first_message_id', 'message_state', 'slice'])
    .where((eb) =>
      eb.or([
        eb('id', '=', eb.selectFrom('waddles').select('primary_database_id').where('id', '=', waddleId)),
        eb('shard_waddle_id', '=', waddleId),
      ]),
    )
    .orderBy((eb) => eb.fn.coalesce('first_message_id', eb.lit(1)));
}

/**
 * A waddle's shard map: its primary database and the message shards of the directory, in id
 * order, or `null` for an unknown waddle. One query, served by the primary key and the
 * `databases_message_shards` index:
 *
 * ```sql
 * SELECT id, d1_database_id, first_message_id, message_state, slice FROM databases
 * WHERE id = (SELECT primary_database_id FROM waddles WHERE id = ?) OR shard_waddle_id = ?
 * ORDER BY coalesce(first_message_id, 1)
 * ```
 */
export async function readMessageShardMap(central: D1DatabaseLike, waddleId: number): Promise<MessageShardMap | null> {
  const { results } = await statementOf(central, messageShardMapQuery(waddleId)).all<{
    id: number;
    d1_database_id: string;
    first_message_id: number | null;
    message_state: 'opening' | 'active' | 'sealed' | null;
    slice: string | null;
  }>();
  if (results.length === 0) return null;
  return {
    waddleId,
    shards: results.map((row) => ({
      directoryId: row.id,
      d1DatabaseId: row.d1_database_id,
      firstMessageId: row.first_message_id ?? 1,
      state: row.message_state ?? 'taking',
      slice: row.slice,
    })),
  };
}

/** The shards that hold or take messages (every one but an `opening` shard), in id order: what a `ShardedWaddle` is made of. */
export function servingShards(map: MessageShardMap): readonly MessageShardEntry[] {
  return map.shards.filter((shard) => shard.state !== 'opening');
}
