import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import type { JobSection } from './job-section.ts';

/**
 * The statements that give the user's running job of `kind` its central part (0) and one part
 * per waddle the user ever joined (`user_waddles`), each at the start of its first section.
 * Sent in the batch that creates the job; running them again adds nothing.
 *
 * ```sql
 * INSERT OR IGNORE INTO privacy_job_parts (job_id, part, d1_database_id, section, cursor, updated_at)
 *   SELECT j.id, 0, NULL, ?, ?, ? FROM privacy_jobs j WHERE j.user_id = ? AND j.kind = ? AND j.status = 'running';
 * INSERT OR IGNORE INTO privacy_job_parts (job_id, part, d1_database_id, section, cursor, updated_at)
 *   SELECT j.id, uw.waddle_id, w.d1_database_id, ?, ?, ? FROM privacy_jobs j
 *   JOIN user_waddles uw ON uw.user_id = j.user_id JOIN waddles w ON w.id = uw.waddle_id
 *   WHERE j.user_id = ? AND j.kind = ? AND j.status = 'running';
 * ```
 */
export function jobPartStatements(
  central: D1DatabaseLike,
  kind: 'export' | 'erasure',
  userId: number,
  now: number,
  centralSection: JobSection,
  waddleSection: JobSection,
): D1StatementLike[] {
  return [
    central
      .prepare(
        `INSERT OR IGNORE INTO privacy_job_parts (job_id, part, d1_database_id, section, cursor, updated_at)
         SELECT j.id, 0, NULL, ?, ?, ? FROM privacy_jobs j WHERE j.user_id = ? AND j.kind = ? AND j.status = 'running'`,
      )
      .bind(centralSection.name, JSON.stringify(centralSection.firstCursor), now, userId, kind),
    central
      .prepare(
        `INSERT OR IGNORE INTO privacy_job_parts (job_id, part, d1_database_id, section, cursor, updated_at)
         SELECT j.id, uw.waddle_id, w.d1_database_id, ?, ?, ? FROM privacy_jobs j
         JOIN user_waddles uw ON uw.user_id = j.user_id JOIN waddles w ON w.id = uw.waddle_id
         WHERE j.user_id = ? AND j.kind = ? AND j.status = 'running'`,
      )
      .bind(waddleSection.name, JSON.stringify(waddleSection.firstCursor), now, userId, kind),
  ];
}
