import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { runBatch } from '@waddle/d1/run-batch';
import { openTypedDatabase } from '@waddle/d1/typed-database';

export type PrivacyJobKind = 'export' | 'erasure';

/** The part of a job that works on the central directory; any other part is a waddle id. */
export const CENTRAL_PART = 0;

/** The progress of a job in one database. */
export interface PrivacyJobPart {
  /** 0 for the central directory, else the waddle's id. */
  readonly part: number;
  readonly d1DatabaseId: string | null;
  readonly status: 'pending' | 'done';
  /** The section being worked on (`messages`, `reactions`, …) and the last key done in it. */
  readonly section: string;
  readonly cursor: readonly unknown[];
  readonly rowsDone: number;
  /** How many steps worked on this database (a failed one included). */
  readonly attempts: number;
  /** The error of the last failed attempt, cleared by the next successful one. */
  readonly error: string | null;
  readonly finishedAt: number | null;
}

/** An export or erasure of one user, with its progress per database. */
export interface PrivacyJob {
  readonly id: number;
  readonly userId: number;
  readonly kind: PrivacyJobKind;
  readonly status: 'running' | 'done';
  readonly requestedBy: 'user' | 'operator';
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly finishedAt: number | null;
  /** When an export's archive was deleted on expiry (its chunks are gone); `null` while it is kept. */
  readonly archiveDeletedAt: number | null;
  readonly parts: readonly PrivacyJobPart[];
}

/**
 * Reads a job and its parts in one round trip (two statements); `null` when there is no such job.
 *
 * ```sql
 * select * from "privacy_jobs" where "id" = ?;
 * select "part", "d1_database_id", "status", "section", "cursor", "rows_done", "attempts", "error", "finished_at"
 *   from "privacy_job_parts" where "job_id" = ? order by "part";
 * ```
 */
export async function readPrivacyJob(central: D1DatabaseLike, jobId: number): Promise<PrivacyJob | null> {
  const database = openTypedDatabase<CentralSchema>(central);
  const { db } = database;
  const [jobs, parts] = await runBatch(database, [
    db.selectFrom('privacy_jobs').selectAll().where('id', '=', jobId),
    db
      .selectFrom('privacy_job_parts')
      .select(['part', 'd1_database_id', 'status', 'section', 'cursor', 'rows_done', 'attempts', 'error', 'finished_at'])
      .where('job_id', '=', jobId)
      .orderBy('part'),
  ]);
  const job = jobs.results[0];
  if (!job) return null;
  return {
    id: job.id,
    userId: job.user_id,
    kind: job.kind,
    status: job.status,
    requestedBy: job.requested_by,
    createdAt: job.created_at,
    updatedAt: job.updated_at,
    finishedAt: job.finished_at,
    archiveDeletedAt: job.archive_deleted_at,
    parts: parts.results.map((row) => ({
      part: row.part,
      d1DatabaseId: row.d1_database_id,
      status: row.status,
      section: row.section,
      cursor: JSON.parse(row.cursor) as unknown[],
      rowsDone: row.rows_done,
      attempts: row.attempts,
      error: row.error,
      finishedAt: row.finished_at,
    })),
  };
}
