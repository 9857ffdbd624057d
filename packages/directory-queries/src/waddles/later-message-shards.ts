import type { DB, Waddles } from '@waddle/central-schema/database';
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';

/** A message shard of a waddle after its primary, as the data path reaches it (docs/message-shards.md, section 4). */
export interface LaterMessageShard {
  /** Its directory row (`databases.id`): the key of its D1 session. */
  readonly directoryId: number;
  readonly d1DatabaseId: string;
  /**
   * The name of a Worker's static D1 binding for it (`databases.binding`), when the deployment
   * declares one; null for a shard placed in a slice, whose binding is the slice's, not the
   * caller's (the rule of `locationOf`), so the shard is a `DatabaseLocation` as it stands.
   */
  readonly d1Binding: string | null;
  /** The binding slice it is placed in (`databases.slice`), when one. */
  readonly slice: string | null;
  /** The first message id of its range; the range ends below the next shard's. */
  readonly firstMessageId: number;
}

/**
 * The column `message_shards`: a waddle's serving message shards after its primary (`active` or
 * `sealed`; an `opening` shard serves nothing yet) as JSON text, `[]` for a waddle of one database.
 * A correlated subquery, so the API reads the shard map in the statement that reads the registry
 * row (no extra statement, one probe of `databases_message_shards` for a waddle without shards):
 *
 * ```sql
 * (SELECT json_group_array(json_array(s.id, s.d1_database_id, s.binding, s.slice, s.first_message_id)) FROM databases AS s
 *  WHERE s.shard_waddle_id = w.id AND s.message_state IN ('active', 'sealed')) AS message_shards
 * ```
 */
export function laterMessageShardsColumn(eb: ExpressionBuilder<DB & { w: Waddles }, 'w'>) {
  return eb
    .selectFrom('databases as s')
    .select(sql<string>`json_group_array(json_array(s.id, s.d1_database_id, s.binding, s.slice, s.first_message_id))`.as('shards'))
    .whereRef('s.shard_waddle_id', '=', 'w.id')
    .where('s.message_state', 'in', ['active', 'sealed'])
    .as('message_shards');
}

/**
 * The same shard map read on its own, for a poster whose shard was sealed under it (see
 * `ShardSealedError`): one statement, by the primary key and `databases_message_shards`.
 *
 * ```sql
 * SELECT (SELECT json_group_array(…) FROM databases AS s WHERE s.shard_waddle_id = w.id AND …) AS message_shards
 * FROM waddles AS w WHERE w.id = ?
 * ```
 */
export async function readLaterMessageShards(db: Kysely<DB>, waddleId: number): Promise<LaterMessageShard[]> {
  const row = await db
    .selectFrom('waddles as w')
    .select((eb) => laterMessageShardsColumn(eb))
    .where('w.id', '=', waddleId)
    .executeTakeFirst();
  return parseLaterMessageShards(row?.message_shards ?? '[]');
}

/**
 * The `message_shards` column's JSON as shards in id order (JSON aggregation keeps no order of
 * its own), a shard in a slice without the slice's binding name. Runs no SQL.
 */
export function parseLaterMessageShards(json: string | null): LaterMessageShard[] {
  const rows = JSON.parse(json ?? '[]') as [number, string, string | null, string | null, number][];
  return rows
    .map(([directoryId, d1DatabaseId, d1Binding, slice, firstMessageId]) => ({
      directoryId,
      d1DatabaseId,
      d1Binding: slice === null ? d1Binding : null,
      slice,
      firstMessageId,
    }))
    .sort((a, b) => a.firstMessageId - b.firstMessageId);
}
