import { runBatch, type WaddleDatabase } from '../waddle-database.ts';

/** A file stored in the attachment bucket, to record as an attachment of a message. */
export interface StoredFile {
  readonly messageId: number;
  readonly filename: string;
  readonly sizeBytes: number;
  readonly mimeType: string;
  /** The object's key in the attachment bucket. */
  readonly objectKey: string;
  readonly createdAt: number;
  /** What the attachment's `url` starts with; its id follows (`/v1/waddles/1/attachments/` → `…/attachments/42`). */
  readonly urlPrefix: string;
  /**
   * The ids below this database's block of attachment ids (`attachmentIdFloor` of its shard's
   * index; 0, the default, for the primary): the attachment gets the larger of its largest id
   * and this, plus one, so ids are unique across a waddle's shards.
   */
  readonly idFloor?: number;
}

/** An attachment row as recorded. */
export interface RecordedAttachment {
  readonly id: number;
  readonly message_id: number;
  readonly filename: string;
  readonly size_bytes: number;
  readonly mime_type: string | null;
  readonly url: string;
  readonly created_at: number;
}

/**
 * Records a stored file as an attachment of a message, only if the message is live: one atomic
 * batch inserts the row (the trigger of 0020 sets the message's attachment flag) and gives it its
 * `url`, the prefix and its id. Its id is one above the database's largest and above `idFloor`
 * (one statement: two recordings in one database cannot take the same id). Returns the row, or `null` when the message is a tombstone or
 * missing (nothing was written; the caller deletes the object it stored).
 *
 * ```sql
 * insert into "message_attachments" ("id", "message_id", "filename", "size_bytes", "mime_type", "url", "object_key", "created_at")
 *   select (select max(coalesce(max("message_attachments"."id"), 0), ?) + 1 from "message_attachments") as "next_id", "id", ?, ?, ?, ?, ?, ?
 *   from "messages" where "id" = ? and "is_deleted" = 0;
 * update "message_attachments" set "url" = ? || "id" where "object_key" = ?
 *   returning "id", "message_id", "filename", "size_bytes", "mime_type", "url", "created_at";   -- message_attachments_by_object_key
 * ```
 */
export async function recordAttachment(waddle: WaddleDatabase, file: StoredFile): Promise<RecordedAttachment | null> {
  const { db } = waddle;
  const [, updated] = await runBatch(waddle, [
    db
      .insertInto('message_attachments')
      .columns(['id', 'message_id', 'filename', 'size_bytes', 'mime_type', 'url', 'object_key', 'created_at'])
      .expression(
        db
          .selectFrom('messages')
          .select((eb) => [
            eb
              .selectFrom('message_attachments')
              .select((inner) =>
                inner(
                  inner.fn<number>('max', [
                    inner.fn.coalesce(inner.fn.max('message_attachments.id'), inner.lit(0)),
                    inner.val(file.idFloor ?? 0),
                  ]),
                  '+',
                  1,
                ).as('next_id'),
              )
              .as('next_id'),
            'id',
            eb.val(file.filename).as('filename'),
            eb.val(file.sizeBytes).as('size_bytes'),
            eb.val(file.mimeType).as('mime_type'),
            eb.val(file.urlPrefix).as('url'),
            eb.val(file.objectKey).as('object_key'),
            eb.val(file.createdAt).as('created_at'),
          ])
          .where('id', '=', file.messageId)
          .where('is_deleted', '=', 0),
      ),
    db
      .updateTable('message_attachments')
      .set((eb) => ({ url: eb(eb.val(file.urlPrefix), '||', eb.ref('id').$castTo<string>()) }))
      .where('object_key', '=', file.objectKey)
      .returning(['id', 'message_id', 'filename', 'size_bytes', 'mime_type', 'url', 'created_at']),
  ]);
  return updated.results[0] ?? null;
}
