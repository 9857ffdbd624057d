import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Where the API cron's drift pass over sharded waddles stopped (docs/message-shards.md, section 3),
 * one row: the waddle it is in (`waddle_id`, 0 before the first) and the drift check's own cursor
 * there (`next_kind`, `next_after_id`: a slice of threads, channels or messages after that id). The
 * next pass resumes from it; at the end of a waddle it moves to the next waddle with message shards,
 * after the last one back to the first.
 */
export const createShardDriftCursor: Migration = {
  name: '0020_create_shard_drift_cursor',
  up: (db) => [
    db.schema
      .createTable('shard_drift_cursor')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull().check(sql`id = 1`))
      .addColumn('waddle_id', 'integer', (c) => c.notNull().check(sql`waddle_id >= 0`))
      .addColumn('next_kind', 'text', (c) => c.notNull().check(sql`next_kind IN ('thread', 'channel', 'message')`))
      .addColumn('next_after_id', 'integer', (c) => c.notNull().check(sql`next_after_id >= 0`))
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT`),
  ],
  down: (db) => [db.schema.dropTable('shard_drift_cursor')],
};
