import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Attachments whose bytes are an object in the attachment bucket (R2, docs/attachments.md).
 *
 * - `message_attachments.object_key`: the object's key, unique; NULL for a row that only links a
 *   `url` elsewhere (every row before this migration).
 * - `attachment_object_deletions`: the objects whose row is gone, with the author of the message
 *   they belonged to. A trigger queues the key of every deleted row that has one, in the statement
 *   that deletes it (a tombstone's attachments, deleted by the trigger of 0011, included), so no
 *   path that deletes a row forgets its object. The API deletes queued objects from the bucket
 *   after the write that queued them; an erasure deletes its user's before it finishes.
 *
 * The decoration flags of 0020 are untouched: they follow the rows, which this changes nothing of.
 */
export const trackAttachmentObjects: Migration = {
  name: '0024_track_attachment_objects',
  up: (db) => [
    db.schema
      .alterTable('message_attachments')
      .addColumn('object_key', 'text', (c) => c.check(sql`object_key IS NULL OR length(object_key) BETWEEN 1 AND 1024`)),
    db.schema
      .createIndex('message_attachments_by_object_key')
      .unique()
      .on('message_attachments')
      .column('object_key')
      .where(sql<boolean>`object_key IS NOT NULL`),
    db.schema
      .createTable('attachment_object_deletions')
      .addColumn('object_key', 'text', (c) => c.primaryKey().notNull().check(sql`length(object_key) BETWEEN 1 AND 1024`))
      .addColumn('user_id', 'integer')
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('attachment_object_deletions_by_user').on('attachment_object_deletions').columns(['user_id', 'object_key']),
    sql`CREATE TRIGGER message_attachments_queue_object_deletion AFTER DELETE ON message_attachments
      WHEN old.object_key IS NOT NULL
      BEGIN
        INSERT OR IGNORE INTO attachment_object_deletions (object_key, user_id)
          VALUES (old.object_key, (SELECT user_id FROM messages WHERE id = old.message_id));
      END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER message_attachments_queue_object_deletion`,
    db.schema.dropTable('attachment_object_deletions'),
    db.schema.dropIndex('message_attachments_by_object_key'),
    db.schema.alterTable('message_attachments').dropColumn('object_key'),
  ],
};
