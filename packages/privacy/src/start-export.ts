import type { D1DatabaseLike } from '@waddle/d1/database';
import { centralExportSections } from './export/central-export-sections.ts';
import { waddleExportSections } from './export/waddle-export-sections.ts';
import { jobPartStatements } from './job-part-statements.ts';
import { type PrivacyJob, readPrivacyJob } from './privacy-job.ts';

/**
 * Starts an export of everything held about a user, or returns the one already running: a job
 * with a part for the central directory and one for every waddle the user ever joined (from
 * `user_waddles`, so waddles they left are included). Nothing is read yet: the job advances in
 * steps (`advanceJob`). One central round trip to create it, one to read it back.
 *
 * ```sql
 * INSERT OR IGNORE INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at) VALUES (?, 'export', ?, ?, ?);
 * INSERT OR IGNORE INTO privacy_job_parts (job_id, part, d1_database_id, section, cursor, updated_at)
 *   SELECT j.id, 0, NULL, 'profile', '[]', ? FROM privacy_jobs j WHERE j.user_id = ? AND j.kind = 'export' AND j.status = 'running';
 * INSERT OR IGNORE INTO privacy_job_parts (job_id, part, d1_database_id, section, cursor, updated_at)
 *   SELECT j.id, uw.waddle_id, w.d1_database_id, 'messages', '[0]', ? FROM privacy_jobs j
 *   JOIN user_waddles uw ON uw.user_id = j.user_id JOIN waddles w ON w.id = uw.waddle_id
 *   WHERE j.user_id = ? AND j.kind = 'export' AND j.status = 'running';
 * SELECT id FROM privacy_jobs WHERE user_id = ? AND kind = 'export' AND status = 'running';
 * ```
 */
export async function startExport(
  central: D1DatabaseLike,
  userId: number,
  requestedBy: 'user' | 'operator',
  now: number,
): Promise<PrivacyJob> {
  const results = await central.batch<{ id: number }>([
    central
      .prepare("INSERT OR IGNORE INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at) VALUES (?, 'export', ?, ?, ?)")
      .bind(userId, requestedBy, now, now),
    ...jobPartStatements(central, 'export', userId, now, centralExportSections[0]!, waddleExportSections[0]!),
    central.prepare("SELECT id FROM privacy_jobs WHERE user_id = ? AND kind = 'export' AND status = 'running'").bind(userId),
  ]);
  return (await readPrivacyJob(central, results.at(-1)!.results[0]!.id))!;
}
