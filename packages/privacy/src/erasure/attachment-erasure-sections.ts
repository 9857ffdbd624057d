import { AttachmentBucketMissingError, deleteQueuedObjects } from '@waddle/attachment-store/delete-queued-objects';
import { removeUploadObject } from '@waddle/attachment-store/remove-upload-object';
import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import type { JobSection } from '../job-section.ts';
import { typedSection } from '../typed-section.ts';

/** Objects per page: each page is one R2 delete (or one abort and delete per upload) beside its statements. */
const OBJECT_PAGE = 100;
const UPLOAD_PAGE = 20;

/**
 * Deletes the files of the user's messages from the attachment bucket. By now `messages` has
 * tombstoned those messages, whose attachment rows the schema's triggers deleted, queuing each
 * object with the message's author (`attachment_object_deletions`, migration 0024); this deletes
 * the user's queued objects from the bucket, then from the queue. Without a bucket (a command line)
 * it fails while any are queued, and a later step with one (the API's cron) finishes it.
 *
 * ```sql
 * select "object_key" from "attachment_object_deletions" where "user_id" = ? order by "object_key" limit ?   -- 100, attachment_object_deletions_by_user
 * -- ATTACHMENTS.delete(keys), then:
 * delete from "attachment_object_deletions" where "object_key" in (?, …)
 * ```
 */
export const attachmentObjectsErasure: JobSection = typedSection<WaddleSchema>({
  name: 'attachment_objects',
  firstCursor: [],
  statements: 2,
  async page(waddle, { userId }, _cursor, { attachments }) {
    const deleted = await deleteQueuedObjects(waddle, attachments, { userId, limit: OBJECT_PAGE });
    return { rows: deleted, records: [], next: deleted < OBJECT_PAGE ? null : [] };
  },
});

/**
 * Removes the user's uploads that were never attached (the central ledger, `attachment_uploads`):
 * each one's multipart upload aborted and its object deleted from the attachment bucket, then its
 * ledger rows deleted. Without a bucket it fails while the user has any, as above.
 *
 * ```sql
 * select "object_key", "multipart_upload_id" from "attachment_uploads" where "user_id" = ? order by "object_key" limit ?   -- 20, attachment_uploads_by_user
 * -- for each: abort its multipart upload, ATTACHMENTS.delete(key); then:
 * delete from "attachment_uploads" where "object_key" in (?, …)
 * ```
 */
export const pendingUploadsErasure: JobSection = typedSection<CentralSchema>({
  name: 'attachment_uploads',
  firstCursor: [],
  statements: 2,
  async page({ db }, { userId }, _cursor, { attachments }) {
    const uploads = await db
      .selectFrom('attachment_uploads')
      .select(['object_key', 'multipart_upload_id'])
      .where('user_id', '=', userId)
      .orderBy('object_key')
      .limit(UPLOAD_PAGE)
      .execute();
    if (uploads.length === 0) return { rows: 0, records: [], next: null };
    if (!attachments)
      throw new AttachmentBucketMissingError(
        `${uploads.length} unattached uploads wait for removal and no attachment bucket is bound here`,
      );
    for (const upload of uploads)
      await removeUploadObject(attachments, { objectKey: upload.object_key, multipartUploadId: upload.multipart_upload_id });
    const keys = uploads.map((upload) => upload.object_key);
    await db.deleteFrom('attachment_uploads').where('object_key', 'in', keys).execute();
    return { rows: keys.length, records: [], next: keys.length < UPLOAD_PAGE ? null : [] };
  },
});
