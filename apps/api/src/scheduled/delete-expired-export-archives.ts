import type { D1DatabaseLike } from '@waddle/d1/database';
import { openDirectoryDatabase } from '@waddle/directory-queries/directory-database';
import { deleteArchiveChunks, exportsWithExpiredArchives } from '@waddle/directory-queries/privacy/expired-export-archives';

/** What one pass of the archive expiry did. */
export interface ExpiredArchivesPass {
  /** Chunks deleted in this pass. */
  readonly deletedChunks: number;
  /** Exports whose archive this pass finished deleting (now marked `archive_deleted_at` and audited), oldest first. */
  readonly expiredJobIds: readonly number[];
  /** The pass used all its `DELETE` statements: expired chunks may be left for the next one. */
  readonly reachedLimit: boolean;
}

export interface ExpiredArchivesOptions {
  /** `DELETE` statements one pass may send (default 40); each comes with two small statements in its batch. */
  readonly maxDeletes?: number;
  /** Chunks one `DELETE` removes at most (default 25; a chunk is at most 600,000 characters). */
  readonly chunksPerDelete?: number;
}

/**
 * Deletes the archives of exports that finished at or before `cutoff` (`exportArchiveCutoff`: the
 * TTL ago), oldest export first and each archive from its first chunk, in bounded work: at most
 * `maxDeletes` batches, each deleting at most `chunksPerDelete` chunks, so a pass sends at most
 * 1 + 3 × `maxDeletes` queries (121 by default; D1 allows 1,000 per invocation, shared with the
 * erasure resumer). An archive larger than a pass is finished by the next passes. Once an
 * archive has no chunk left, the same batch sets the job's `archive_deleted_at` (so it leaves the
 * index `privacy_jobs_kept_archives` and is never visited again) and records
 * `export.archive_expired` in the audit log with no user, no address and only the job id. Exports
 * still running and archives inside their TTL are not read.
 *
 * ```sql
 * -- exportsWithExpiredArchives:
 * SELECT id FROM privacy_jobs WHERE kind = 'export' AND status = 'done' AND archive_deleted_at IS NULL AND finished_at <= ?
 *   ORDER BY finished_at, id LIMIT ?;                                                     -- index privacy_jobs_kept_archives
 * -- then for each job, oldest first, batches of (deleteArchiveChunks):
 * DELETE FROM export_chunks WHERE job_id = ? AND seq IN (SELECT seq FROM export_chunks WHERE job_id = ? ORDER BY seq LIMIT ?);
 * INSERT INTO audit_log (action, resource_type, resource_id, metadata, created_at)
 *   SELECT 'export.archive_expired', 'privacy_job', CAST(id AS TEXT), json_object('jobId', id), ?
 *   FROM privacy_jobs WHERE id = ? AND archive_deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM export_chunks WHERE job_id = ?);
 * UPDATE privacy_jobs SET archive_deleted_at = ?, updated_at = ?
 *   WHERE id = ? AND archive_deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM export_chunks WHERE job_id = ?);
 * ```
 */
export async function deleteExpiredExportArchives(
  central: D1DatabaseLike,
  now: number,
  cutoff: number,
  options: ExpiredArchivesOptions = {},
): Promise<ExpiredArchivesPass> {
  const maxDeletes = options.maxDeletes ?? 40;
  const chunksPerDelete = options.chunksPerDelete ?? 25;
  const directory = openDirectoryDatabase(central);
  const jobIds = await exportsWithExpiredArchives(directory, cutoff, maxDeletes);
  let deletes = 0;
  let deletedChunks = 0;
  const expiredJobIds: number[] = [];
  for (const jobId of jobIds) {
    while (deletes < maxDeletes) {
      const step = await deleteArchiveChunks(directory, { jobId, now, chunksPerDelete });
      deletes += 1;
      deletedChunks += step.deletedChunks;
      if (step.archiveGone) expiredJobIds.push(jobId);
      // A short delete means nothing is left (or another pass finished this archive meanwhile).
      if (step.archiveGone || step.deletedChunks < chunksPerDelete) break;
    }
  }
  return { deletedChunks, expiredJobIds, reachedLimit: deletes === maxDeletes };
}
