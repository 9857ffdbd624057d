import { removeUploadObject, type UploadRemover } from '@waddle/attachment-store/remove-upload-object';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { forgetPendingUploadQuery, staleUploads } from '@waddle/directory-queries/attachments/pending-uploads';
import { openDirectoryDatabase } from '@waddle/directory-queries/directory-database';
import { isObjectAttached } from '@waddle/queries/attachments/is-object-attached';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { locationOf } from '@waddle/registry/database-directory-row';
import { reachDatabase } from '@waddle/registry/reach-database';

/** What one pass of the stale-upload cleanup did. */
export interface StaleUploadsPass {
  /** Uploads whose bytes it removed (never attached). */
  readonly removed: readonly string[];
  /** Uploads it found attached after all (the request stopped before forgetting them): only their ledger row went. */
  readonly attached: readonly string[];
  /** Uploads left for a later pass: their waddle's database could not be reached or answered an error. */
  readonly failed: readonly string[];
}

/**
 * Deletes what uploads never attached left behind, `limit` at most per pass (default 50), oldest
 * first: every ledger row (`attachment_uploads`) created at or before `cutoff` (the grace period
 * ago). For each, the waddle's database says whether an attachment row names its object (a request
 * cut off between attaching and forgetting the upload): if so only the ledger row goes; if not its
 * multipart upload is aborted, its object deleted from the bucket, then the row. An upload of a
 * waddle gone from the directory is removed; one whose database fails is left for the next pass.
 * A pass sends at most 1 + 2 × `limit` D1 queries (101 by default).
 *
 * ```sql
 * -- staleUploads (attachment_uploads_by_age):
 * SELECT u.object_key, u.waddle_id, u.multipart_upload_id, d.d1_database_id, d.slice, d.binding FROM attachment_uploads u
 *   LEFT JOIN waddles w ON w.id = u.waddle_id LEFT JOIN databases d ON d.id = w.primary_database_id
 *   WHERE u.created_at <= ? ORDER BY u.created_at, u.object_key LIMIT ?;
 * SELECT 1 FROM message_attachments WHERE object_key = ?;   -- each, on its waddle's database
 * DELETE FROM attachment_uploads WHERE object_key = ?;       -- each, after its bytes are removed
 * ```
 */
export async function deleteStaleUploads(
  central: D1DatabaseLike,
  connectors: readonly DatabaseConnector[],
  bucket: UploadRemover,
  cutoff: number,
  limit = 50,
): Promise<StaleUploadsPass> {
  const directory = openDirectoryDatabase(central);
  const pass = { removed: [] as string[], attached: [] as string[], failed: [] as string[] };
  for (const upload of await staleUploads(directory, cutoff, limit)) {
    try {
      const reached =
        upload.d1_database_id === null ? null : reachDatabase(connectors, locationOf({ ...upload, d1_database_id: upload.d1_database_id }));
      if (upload.d1_database_id !== null && !reached) throw new Error(`no connector reaches database ${upload.d1_database_id}`);
      const attached = reached ? await isObjectAttached(openWaddleDatabase(reached), upload.object_key) : false;
      if (!attached) await removeUploadObject(bucket, { objectKey: upload.object_key, multipartUploadId: upload.multipart_upload_id });
      await forgetPendingUploadQuery(directory, upload.object_key).execute();
      (attached ? pass.attached : pass.removed).push(upload.object_key);
    } catch {
      pass.failed.push(upload.object_key);
    }
  }
  return pass;
}
