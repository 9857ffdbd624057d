import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** The largest id a shard's range can start at: JavaScript's largest safe integer. */
const LAST_SAFE_ID = Number.MAX_SAFE_INTEGER;

/**
 * The shard map: which databases of the directory hold a waddle's message shards, and which id
 * range each holds (docs/message-shards.md, section 4).
 *
 * - `shard_waddle_id`: the waddle a `message_shard` belongs to; null for a waddle's primary
 *   database, which its waddle points at through `waddles.primary_database_id`.
 * - `first_message_id`: the first message id of a shard's range, above 1 (the primary's range
 *   starts at 1). A range ends below the next shard's `first_message_id`. While a shard is
 *   `opening`, the switch keeps it above every id (`2^53 - 1`) until it knows the sealed shard's
 *   last id.
 * - `message_state`: `opening` (being created), `active` (takes new messages), `sealed` (closed
 *   to new messages, open to edits, deletions, reactions and erasure). A primary's is null while
 *   it takes new messages and `sealed` once a shard took over.
 *
 * A `CHECK` keeps a shard's row whole (all three set) and a primary free of shard columns.
 * `databases_message_shards` serves the range lookup (one probe: the last shard of the waddle
 * whose `first_message_id` is at most the id; none means the primary) and lists a waddle's map in
 * order; `databases_active_message_shard` lets a waddle have one active shard at most, so two
 * switches cannot both activate one.
 */
export const addMessageShardMap: Migration = {
  name: '0019_add_message_shard_map',
  up: (db) => [
    db.schema.alterTable('databases').addColumn('shard_waddle_id', 'integer', (c) => c.references('waddles.id')),
    db.schema
      .alterTable('databases')
      .addColumn('first_message_id', 'integer', (c) => c.check(sql`first_message_id BETWEEN 2 AND ${sql.lit(LAST_SAFE_ID)}`)),
    // Every term is true or false, never null: a CHECK that comes out null passes.
    db.schema.alterTable('databases').addColumn('message_state', 'text', (c) =>
      c.check(
        sql`CASE WHEN role = 'message_shard'
          THEN shard_waddle_id IS NOT NULL AND first_message_id IS NOT NULL AND message_state IS NOT NULL AND message_state IN ('opening', 'active', 'sealed')
          ELSE shard_waddle_id IS NULL AND first_message_id IS NULL AND (message_state IS NULL OR message_state = 'sealed') END`,
      ),
    ),
    db.schema
      .createIndex('databases_message_shards')
      .on('databases')
      .columns(['shard_waddle_id', 'first_message_id'])
      .unique()
      .where(sql<boolean>`shard_waddle_id IS NOT NULL`),
    db.schema
      .createIndex('databases_active_message_shard')
      .on('databases')
      .column('shard_waddle_id')
      .unique()
      .where(sql<boolean>`message_state = 'active'`),
  ],
  down: (db) => [
    db.schema.dropIndex('databases_active_message_shard'),
    db.schema.dropIndex('databases_message_shards'),
    db.schema.alterTable('databases').dropColumn('message_state'),
    db.schema.alterTable('databases').dropColumn('first_message_id'),
    db.schema.alterTable('databases').dropColumn('shard_waddle_id'),
  ],
};
