import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Zulip-style topics. A title is unique in its channel whatever its case. Activity
 * (message_count, last_message_id, last_message_at) lives on the row, so "active threads" reads
 * one index instead of grouping messages; `last_message_id` orders by activity without ties.
 */
export const createThreads: Migration = {
  name: '0003_create_threads',
  up: (db) => [
    db.schema
      .createTable('threads')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull().check(sql`length(title) BETWEEN 1 AND 200`))
      .addColumn('created_by', 'integer', (c) => c.notNull())
      .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`message_count >= 0`))
      .addColumn('last_message_id', 'integer')
      .addColumn('last_message_at', 'integer')
      .addColumn('is_locked', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_locked IN (0, 1)`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .modifyEnd(sql`STRICT`),
    sql`CREATE UNIQUE INDEX threads_title_in_channel ON threads (channel_id, title COLLATE NOCASE)`,
    db.schema.createIndex('threads_by_activity').on('threads').columns(['channel_id', 'last_message_id desc']),
    db.schema.createIndex('threads_by_recent_activity').on('threads').column('last_message_id desc'),
  ],
  down: (db) => [db.schema.dropTable('threads')],
};
