import type { TypedDatabase } from '@waddle/d1/typed-database';
import type { DB } from '@waddle/waddle-schema/database';

/** What deleting queued objects needs of the attachment bucket (the `ATTACHMENTS` R2 binding). */
export type ObjectDeleter = Pick<R2Bucket, 'delete'>;

/** Objects are queued for deletion, and no attachment bucket was given to delete them from. */
export class AttachmentBucketMissingError extends Error {
  override readonly name = 'AttachmentBucketMissingError';
}

/**
 * Deletes at most `limit` objects queued in a waddle database for deletion
 * (`attachment_object_deletions`, which the trigger of migration 0024 fills with the object of every
 * attachment row deleted, a tombstone's included), in key order, with `userId` only those of that
 * user's messages: from the bucket first, then from the queue, so an object R2 failed to delete
 * stays queued for the next call. Returns how many it deleted. Without a bucket (a command line
 * that has none) it deletes nothing and throws {@link AttachmentBucketMissingError} when any are
 * queued.
 *
 * ```sql
 * select "object_key" from "attachment_object_deletions" where "user_id" = ? order by "object_key" limit ?;  -- attachment_object_deletions_by_user; without userId, by the primary key
 * -- bucket.delete(keys), then:
 * delete from "attachment_object_deletions" where "object_key" in (?, …);
 * ```
 *
 * @example
 * ```ts
 * await deleteMessage(waddle, messageId);
 * await deleteQueuedObjects(waddle, env.ATTACHMENTS, { limit: 100 });
 * ```
 */
export async function deleteQueuedObjects(
  waddle: TypedDatabase<DB>,
  bucket: ObjectDeleter | undefined,
  options: { readonly userId?: number; readonly limit: number },
): Promise<number> {
  const { userId, limit } = options;
  const queued = waddle.db.selectFrom('attachment_object_deletions').select('object_key');
  const rows = await (userId === undefined ? queued : queued.where('user_id', '=', userId)).orderBy('object_key').limit(limit).execute();
  if (rows.length === 0) return 0;
  if (!bucket)
    throw new AttachmentBucketMissingError(`${rows.length} attachment objects wait for deletion and no attachment bucket is bound here`);
  const keys = rows.map((row) => row.object_key);
  await bucket.delete(keys);
  await waddle.db.deleteFrom('attachment_object_deletions').where('object_key', 'in', keys).execute();
  return keys.length;
}
