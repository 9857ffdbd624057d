import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * What the central directory keeps about the attachment bucket (R2, docs/attachments.md).
 *
 * - `attachment_uploads`: the ledger of uploads not yet attached. A row is written before any byte
 *   goes to the bucket and deleted once the attachment row exists in the waddle's database, so an
 *   object in the bucket always has a row somewhere: an upload interrupted between the two is found
 *   here by the API's cron after the grace period (`attachment_uploads_by_age`) and deleted, and an
 *   erasure finds the user's (`attachment_uploads_by_user`). `multipart_upload_id` and `parts`
 *   (part number → etag, JSON) belong to a multipart upload; a direct upload has neither.
 * - `attachment_usage`: the bytes and objects of each waddle's attachments, as the monitor last
 *   counted them, apart from its database's size.
 * - `attachment_usage_walk`: where the monitor's count over the bucket stands (one row): the waddle
 *   it is listing, R2's list cursor inside it, and the sums so far, so a waddle with more objects
 *   than one cron tick lists is counted over several ticks.
 */
export const createAttachmentStorage: Migration = {
  name: '0018_create_attachment_storage',
  up: (db) => [
    db.schema
      .createTable('attachment_uploads')
      .addColumn('object_key', 'text', (c) => c.primaryKey().notNull().check(sql`length(object_key) BETWEEN 1 AND 1024`))
      .addColumn('waddle_id', 'integer', (c) => c.notNull())
      .addColumn('message_id', 'integer', (c) => c.notNull())
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull().check(sql`length(filename) BETWEEN 1 AND 255`))
      .addColumn('mime_type', 'text', (c) => c.notNull().check(sql`length(mime_type) BETWEEN 1 AND 255`))
      .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes >= 0`))
      .addColumn('multipart_upload_id', 'text', (c) =>
        c.check(sql`multipart_upload_id IS NULL OR length(multipart_upload_id) BETWEEN 1 AND 1024`),
      )
      .addColumn('parts', 'text', (c) => c.notNull().defaultTo('{}').check(sql`json_valid(parts)`))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('attachment_uploads_by_age').on('attachment_uploads').columns(['created_at', 'object_key']),
    db.schema.createIndex('attachment_uploads_by_user').on('attachment_uploads').columns(['user_id', 'object_key']),
    db.schema
      .createTable('attachment_usage')
      .addColumn('waddle_id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull().check(sql`bytes >= 0`))
      .addColumn('objects', 'integer', (c) => c.notNull().check(sql`objects >= 0`))
      .addColumn('measured_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT`),
    db.schema
      .createTable('attachment_usage_walk')
      .addColumn('name', 'text', (c) => c.primaryKey().notNull().check(sql`name = 'attachment-usage'`))
      .addColumn('waddle_id', 'integer', (c) => c.notNull().check(sql`waddle_id >= 0`))
      .addColumn('list_cursor', 'text')
      .addColumn('bytes', 'integer', (c) => c.notNull().check(sql`bytes >= 0`))
      .addColumn('objects', 'integer', (c) => c.notNull().check(sql`objects >= 0`))
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [
    db.schema.dropTable('attachment_usage_walk'),
    db.schema.dropTable('attachment_usage'),
    db.schema.dropTable('attachment_uploads'),
  ],
};
