import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Messages are keyed by an AUTOINCREMENT integer: unique, increasing with time, never reused
 * (even after a hard delete), exact in a JS number, and 3 to 4 bytes for the first billions.
 * Every index on `(x, id)` therefore sorts by time without ties.
 *
 * Deleting leaves a tombstone: `is_deleted = 1` with content and metadata removed, so cursors
 * stay valid. Users are opaque ids from the central database (no personal data here).
 */
export const createMessages: Migration = {
  name: '0004_create_messages',
  up: (db) => [
    db.schema
      .createTable('messages')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement().notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id'))
      .addColumn('thread_id', 'integer', (c) => c.references('threads.id'))
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.check(sql`length(content) <= 10000`))
      .addColumn('content_type', 'text', (c) =>
        c.notNull().defaultTo('text').check(sql`content_type IN ('text', 'image', 'file', 'system')`),
      )
      .addColumn('metadata', 'text', (c) => c.check(sql`json_valid(metadata)`))
      .addColumn('reply_to_id', 'integer', (c) => c.references('messages.id').onDelete('set null'))
      .addColumn('edit_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`edit_count >= 0`))
      .addColumn('is_pinned', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_pinned IN (0, 1)`))
      .addColumn('is_deleted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_deleted IN (0, 1)`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('edited_at', 'integer')
      .addCheckConstraint('messages_tombstone_is_empty', sql`is_deleted = 0 OR (content IS NULL AND metadata IS NULL AND is_pinned = 0)`)
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('messages_by_channel').on('messages').columns(['channel_id', 'id']),
    db.schema.createIndex('messages_by_thread').on('messages').columns(['thread_id', 'id']).where(sql<boolean>`thread_id IS NOT NULL`),
    db.schema.createIndex('messages_by_user').on('messages').columns(['user_id', 'id']),
    db.schema.createIndex('messages_pinned').on('messages').columns(['channel_id', 'id']).where(sql<boolean>`is_pinned = 1`),
    db.schema.createIndex('messages_by_reply').on('messages').column('reply_to_id').where(sql<boolean>`reply_to_id IS NOT NULL`),
    sql`CREATE TRIGGER messages_thread_in_channel_on_insert BEFORE INSERT ON messages
      WHEN EXISTS (SELECT 1 FROM threads WHERE id = new.thread_id AND channel_id IS NOT new.channel_id)
      BEGIN SELECT RAISE(ABORT, 'messages.thread_id: the thread belongs to another channel'); END`,
    sql`CREATE TRIGGER messages_thread_in_channel_on_update BEFORE UPDATE OF channel_id, thread_id ON messages
      WHEN EXISTS (SELECT 1 FROM threads WHERE id = new.thread_id AND channel_id IS NOT new.channel_id)
      BEGIN SELECT RAISE(ABORT, 'messages.thread_id: the thread belongs to another channel'); END`,
  ],
  down: (db) => [db.schema.dropTable('messages')],
};
