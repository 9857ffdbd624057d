import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * The fence of a sealed message shard (docs/message-shards.md, section 5): once a waddle's newest
 * shard is sealed for a new one, a post that read the old shard map must not land in it after the
 * new shard's ids were fixed. The switch writes the fence's one row; from then on a trigger aborts
 * any batch that inserts a message (`shard_sealed`), so the post is refused whole and the poster
 * retries against the new map. Edits, deletions, reactions and erasure update rows and are not
 * affected. A database that was never sealed has no row and behaves as before.
 */
export const createShardFence: Migration = {
  name: '0026_create_shard_fence',
  up: (db) => [
    db.schema
      .createTable('shard_fence')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull().check(sql`id = 1`))
      .addColumn('sealed_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT`),
    sql`CREATE TRIGGER messages_refused_by_fence BEFORE INSERT ON messages WHEN EXISTS (SELECT 1 FROM shard_fence)
      BEGIN SELECT RAISE(ABORT, 'shard_sealed: this message shard takes no new messages'); END`,
  ],
  down: (db) => [sql`DROP TRIGGER messages_refused_by_fence`, db.schema.dropTable('shard_fence')],
};
