import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Edit history: a trigger records the previous content of every edit and counts it in
 * `messages.edit_count`, whoever wrote the UPDATE. A tombstone erases the history with the content.
 */
export const createMessageEdits: Migration = {
  name: '0005_create_message_edits',
  up: (db) => [
    db.schema
      .createTable('message_edits')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('previous_content', 'text')
      .addColumn('edited_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('message_edits_by_message').on('message_edits').columns(['message_id', 'id']),
    sql`CREATE TRIGGER messages_record_edit AFTER UPDATE OF content ON messages
      WHEN new.is_deleted = 0 AND old.content IS NOT new.content
      BEGIN
        INSERT INTO message_edits (message_id, previous_content, edited_at)
          VALUES (old.id, old.content, coalesce(new.edited_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)));
        UPDATE messages SET edit_count = edit_count + 1 WHERE id = new.id;
      END`,
    sql`CREATE TRIGGER messages_forget_edits_of_tombstone AFTER UPDATE OF is_deleted ON messages
      WHEN new.is_deleted = 1 AND old.is_deleted = 0
      BEGIN
        DELETE FROM message_edits WHERE message_id = old.id;
      END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER messages_forget_edits_of_tombstone`,
    sql`DROP TRIGGER messages_record_edit`,
    db.schema.dropTable('message_edits'),
  ],
};
