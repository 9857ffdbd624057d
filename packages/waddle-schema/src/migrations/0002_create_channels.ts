import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Channels carry their own activity (message_count, last_message_id, last_message_at), kept
 * current by the triggers of 0013_maintain_activity.
 */
export const createChannels: Migration = {
  name: '0002_create_channels',
  up: (db) => [
    db.schema
      .createTable('channels')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 100`))
      .addColumn('type', 'text', (c) => c.notNull().defaultTo('text').check(sql`type IN ('text', 'voice', 'announcement', 'thread')`))
      .addColumn('description', 'text', (c) => c.check(sql`length(description) <= 1024`))
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
      .addColumn('is_private', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_private IN (0, 1)`))
      .addColumn('is_archived', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_archived IN (0, 1)`))
      .addColumn('thread_mode', 'text', (c) =>
        c.notNull().defaultTo('optional').check(sql`thread_mode IN ('required', 'optional', 'disabled')`),
      )
      .addColumn('slow_mode_seconds', 'integer', (c) => c.notNull().defaultTo(0).check(sql`slow_mode_seconds BETWEEN 0 AND 21600`))
      .addColumn('auto_archive_hours', 'integer', (c) => c.notNull().defaultTo(168).check(sql`auto_archive_hours > 0`))
      .addColumn('created_by', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('message_count', 'integer', (c) => c.notNull().defaultTo(0).check(sql`message_count >= 0`))
      .addColumn('last_message_id', 'integer')
      .addColumn('last_message_at', 'integer')
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('channels_by_category').on('channels').columns(['category_id', 'position']),
    db.schema.createIndex('channels_by_type').on('channels').columns(['type', 'is_archived']),
  ],
  down: (db) => [db.schema.dropTable('channels')],
};
