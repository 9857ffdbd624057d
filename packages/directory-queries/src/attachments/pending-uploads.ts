import type { Insertable, Selectable } from 'kysely';
import type { AttachmentUploads } from '@waddle/central-schema/database';
import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * The ledger of uploads not yet attached (`attachment_uploads`, docs/attachments.md): a row is
 * written before any byte goes to the attachment bucket and deleted once the attachment row exists,
 * so every object of the bucket has a row somewhere.
 *
 * ```sql
 * insert into "attachment_uploads" ("object_key", "waddle_id", "message_id", "user_id", "filename", "mime_type", "size_bytes",
 *   "multipart_upload_id", "created_at") values (?, ?, ?, ?, ?, ?, ?, ?, ?)
 * ```
 */
export function recordPendingUploadQuery(directory: DirectoryDatabase, upload: Insertable<AttachmentUploads>) {
  return directory.db.insertInto('attachment_uploads').values(upload);
}

/**
 * Forgets an upload once it is attached, or once its bytes are removed.
 *
 * ```sql
 * delete from "attachment_uploads" where "object_key" = ?
 * ```
 */
export function forgetPendingUploadQuery(directory: DirectoryDatabase, objectKey: string) {
  return directory.db.deleteFrom('attachment_uploads').where('object_key', '=', objectKey);
}

/** An unattached upload older than the grace period, with where its waddle's database is reached (`null`s once the waddle is gone). */
export interface StaleUpload {
  readonly object_key: string;
  readonly waddle_id: number;
  readonly multipart_upload_id: string | null;
  readonly d1_database_id: string | null;
  readonly slice: string | null;
  readonly binding: string | null;
}

/**
 * The oldest uploads created at or before `cutoff` that the ledger still holds, at most `limit`,
 * each with its waddle's primary database from the directory.
 *
 * ```sql
 * select "u"."object_key", "u"."waddle_id", "u"."multipart_upload_id", "d"."d1_database_id", "d"."slice", "d"."binding"
 * from "attachment_uploads" as "u" left join "waddles" as "w" on "w"."id" = "u"."waddle_id"
 *   left join "databases" as "d" on "d"."id" = "w"."primary_database_id"
 * where "u"."created_at" <= ? order by "u"."created_at", "u"."object_key" limit ?   -- attachment_uploads_by_age
 * ```
 */
export function staleUploads(directory: DirectoryDatabase, cutoff: number, limit: number): Promise<StaleUpload[]> {
  return directory.db
    .selectFrom('attachment_uploads as u')
    .leftJoin('waddles as w', 'w.id', 'u.waddle_id')
    .leftJoin('databases as d', 'd.id', 'w.primary_database_id')
    .select(['u.object_key', 'u.waddle_id', 'u.multipart_upload_id', 'd.d1_database_id', 'd.slice', 'd.binding'])
    .where('u.created_at', '<=', cutoff)
    .orderBy('u.created_at')
    .orderBy('u.object_key')
    .limit(limit)
    .execute();
}

/**
 * An upload of the ledger by its object key (the key names the waddle and the uploader).
 *
 * ```sql
 * select * from "attachment_uploads" where "object_key" = ?   -- primary key
 * ```
 */
export function pendingUpload(directory: DirectoryDatabase, objectKey: string): Promise<Selectable<AttachmentUploads> | undefined> {
  return directory.db.selectFrom('attachment_uploads').selectAll().where('object_key', '=', objectKey).executeTakeFirst();
}

/**
 * Records a stored part of a multipart upload (its etag, which completing it needs), replacing a
 * part sent again. One statement, so parts sent at once never lose each other's etags.
 *
 * ```sql
 * update "attachment_uploads" set "parts" = json_set("parts", ?, ?) where "object_key" = ?   -- '$."3"', the etag
 * ```
 */
export function recordPartQuery(directory: DirectoryDatabase, objectKey: string, partNumber: number, etag: string) {
  return directory.db
    .updateTable('attachment_uploads')
    .set((eb) => ({ parts: eb.fn<string>('json_set', ['parts', eb.val(`$."${partNumber}"`), eb.val(etag)]) }))
    .where('object_key', '=', objectKey);
}
