import type { D1DatabaseLike } from '@waddle/d1/database';

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

interface JobRow {
  id: number;
  user_id: number;
  kind: PrivacyJobKind;
  status: 'running' | 'done';
  requested_by: 'user' | 'operator';
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  archive_deleted_at: number | null;
}

interface PartRow {
  part: number;
  d1_database_id: string | null;
  status: 'pending' | 'done';
  section: string;
  cursor: string;
  rows_done: number;
  attempts: number;
  error: string | null;
  finished_at: number | null;
}

/**
 * Reads a job and its parts in one round trip (two statements); `null` when there is no such job.
 *
 * ```sql
 * SELECT * FROM privacy_jobs WHERE id = ?;
 * SELECT part, d1_database_id, status, section, cursor, rows_done, attempts, error, finished_at
 *   FROM privacy_job_parts WHERE job_id = ? ORDER BY part;
 * ```
 */
export async function readPrivacyJob(central: D1DatabaseLike, jobId: number): Promise<PrivacyJob | null> {
  const [jobs, parts] = await central.batch([
    central.prepare('SELECT * FROM privacy_jobs WHERE id = ?').bind(jobId),
    central
      .prepare(
        'SELECT part, d1_database_id, status, section, cursor, rows_done, attempts, error, finished_at FROM privacy_job_parts WHERE job_id = ? ORDER BY part',
      )
      .bind(jobId),
  ]);
  const job = jobs!.results[0] as JobRow | undefined;
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
    parts: (parts!.results as PartRow[]).map((row) => ({
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
