import type { DB } from '@waddle/central-schema/database';
import { type Kysely, sql } from 'kysely';
import { runBatch } from '@waddle/d1/run-batch';
import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * The ids of finished exports whose archive is still kept and finished at or before `cutoff`,
 * oldest first (ties by id), at most `limit`.
 *
 * ```sql
 * SELECT id FROM privacy_jobs WHERE kind = 'export' AND status = 'done' AND archive_deleted_at IS NULL AND finished_at <= ?
 *   ORDER BY finished_at, id LIMIT ?                                                     -- index privacy_jobs_kept_archives
 * ```
 */
export async function exportsWithExpiredArchives(directory: DirectoryDatabase, cutoff: number, limit: number): Promise<number[]> {
  const jobs = await expiredArchivesQuery(directory.db, cutoff, limit).execute();
  return jobs.map((job) => job.id);
}

/** The query of {@link exportsWithExpiredArchives}, exported so a test can hold it against `EXPLAIN QUERY PLAN`. */
export function expiredArchivesQuery(db: Kysely<DB>, cutoff: number, limit: number) {
  return (
    db
      .selectFrom('privacy_jobs')
      .select('id')
      // Literals (not bound parameters), so SQLite can match the partial index's `WHERE kind = 'export' AND status = 'done' …`:
      // Kysely's `eb.lit` takes numbers, booleans and null only, hence `sql.lit`.
      .where('kind', '=', sql.lit('export'))
      .where('status', '=', sql.lit('done'))
      .where('archive_deleted_at', 'is', null)
      .where('finished_at', '<=', cutoff)
      .orderBy('finished_at')
      .orderBy('id')
      .limit(limit)
  );
}

/** What one step of an archive's deletion did. */
export interface ArchiveDeletionStep {
  /** Chunks deleted by this step. */
  readonly deletedChunks: number;
  /** This step deleted the archive's last chunk: the job is now marked `archive_deleted_at` and audited. */
  readonly archiveGone: boolean;
}

/**
 * One atomic step of deleting an export's archive, in one `batch()`: deletes its oldest
 * `chunksPerDelete` chunks, and once none is left records `export.archive_expired` in the audit
 * log (no actor, no address, the job id only: nothing personal) and marks the job. Both
 * conditional statements see the deletion before them, and do nothing for a job already marked.
 *
 * ```sql
 * DELETE FROM export_chunks WHERE job_id = ? AND seq IN (SELECT seq FROM export_chunks WHERE job_id = ? ORDER BY seq LIMIT ?);
 * INSERT INTO audit_log (action, resource_type, resource_id, metadata, created_at)
 *   SELECT ?, ?, CAST(id AS text), json_object(?, id), ?       -- 'export.archive_expired', 'privacy_job', …, 'jobId'
 *   FROM privacy_jobs WHERE id = ? AND archive_deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM export_chunks WHERE job_id = ?);
 * UPDATE privacy_jobs SET archive_deleted_at = ?, updated_at = ?
 *   WHERE id = ? AND archive_deleted_at IS NULL AND NOT EXISTS (SELECT 1 FROM export_chunks WHERE job_id = ?);
 * ```
 *
 * @example
 * ```ts
 * const { deletedChunks, archiveGone } = await deleteArchiveChunks(directory, { jobId: 5, now, chunksPerDelete: 25 });
 * ```
 */
export async function deleteArchiveChunks(
  directory: DirectoryDatabase,
  step: { readonly jobId: number; readonly now: number; readonly chunksPerDelete: number },
): Promise<ArchiveDeletionStep> {
  const { db } = directory;
  const { jobId, now } = step;
  const [deleted, , marked] = await runBatch(directory, [
    // (job_id, seq) is the primary key: the oldest chunks of this job, by seq.
    db
      .deleteFrom('export_chunks')
      .where('job_id', '=', jobId)
      .where('seq', 'in', (eb) =>
        eb.selectFrom('export_chunks').select('seq').where('job_id', '=', jobId).orderBy('seq').limit(step.chunksPerDelete),
      ),
    db
      .insertInto('audit_log')
      .columns(['action', 'resource_type', 'resource_id', 'metadata', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('privacy_jobs')
          .select((inner) => [
            inner.val('export.archive_expired').as('action'),
            inner.val('privacy_job').as('resource_type'),
            inner.cast<string>('id', 'text').as('resource_id'),
            inner.fn<string>('json_object', [inner.val('jobId'), 'id']).as('metadata'),
            inner.val(now).as('created_at'),
          ])
          .where('id', '=', jobId)
          .where('archive_deleted_at', 'is', null)
          .where((inner) =>
            inner.not(inner.exists(inner.selectFrom('export_chunks').select(inner.lit(1).as('one')).where('job_id', '=', jobId))),
          ),
      ),
    db
      .updateTable('privacy_jobs')
      .set({ archive_deleted_at: now, updated_at: now })
      .where('id', '=', jobId)
      .where('archive_deleted_at', 'is', null)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('export_chunks').select(eb.lit(1).as('one')).where('job_id', '=', jobId)))),
  ]);
  return { deletedChunks: deleted.meta.changes ?? 0, archiveGone: (marked.meta.changes ?? 0) > 0 };
}
