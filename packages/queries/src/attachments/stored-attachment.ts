import type { WaddleDatabase } from '../waddle-database.ts';

/** An attachment whose bytes are in the attachment bucket, as a download needs it. */
export interface StoredAttachment {
  readonly id: number;
  readonly message_id: number;
  readonly filename: string;
  readonly size_bytes: number;
  readonly mime_type: string | null;
  readonly object_key: string;
}

/**
 * The attachment `id` when its bytes are an object of the attachment bucket; `undefined` for an
 * unknown id and for a row that only links a `url` elsewhere. Says nothing of who may see it: the
 * caller checks the message's channel.
 *
 * ```sql
 * select "id", "message_id", "filename", "size_bytes", "mime_type", "object_key" from "message_attachments"
 * where "id" = ? and "object_key" is not null   -- primary key
 * ```
 */
export async function storedAttachment(waddle: WaddleDatabase, id: number): Promise<StoredAttachment | undefined> {
  const row = await waddle.db
    .selectFrom('message_attachments')
    .select(['id', 'message_id', 'filename', 'size_bytes', 'mime_type', 'object_key'])
    .where('id', '=', id)
    .where('object_key', 'is not', null)
    .executeTakeFirst();
  return row && row.object_key !== null ? { ...row, object_key: row.object_key } : undefined;
}
