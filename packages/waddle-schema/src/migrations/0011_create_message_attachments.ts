import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** The draft's `add_message_attachments` migration, in valid SQLite. */
export const createMessageAttachments: Migration = {
  name: '0011_create_message_attachments',
  up: (db) => [
    db.schema
      .createTable('message_attachments')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('filename', 'text', (c) => c.notNull().check(sql`length(filename) BETWEEN 1 AND 255`))
      .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes >= 0`))
      .addColumn('mime_type', 'text', (c) => c.check(sql`length(mime_type) <= 255`))
      .addColumn('url', 'text', (c) => c.notNull().check(sql`length(url) BETWEEN 1 AND 2048`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('message_attachments_by_message').on('message_attachments').columns(['message_id', 'id']),
    sql`CREATE TRIGGER messages_forget_attachments_of_tombstone AFTER UPDATE OF is_deleted ON messages
      WHEN new.is_deleted = 1 AND old.is_deleted = 0
      BEGIN
        DELETE FROM message_attachments WHERE message_id = old.id;
      END`,
  ],
  down: (db) => [sql`DROP TRIGGER messages_forget_attachments_of_tombstone`, db.schema.dropTable('message_attachments')],
};
