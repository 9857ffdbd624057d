import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { centralExportSections } from './export/central-export-sections.ts';
import { waddleExportSections } from './export/waddle-export-sections.ts';
import { jobPartStatements } from './job-part-statements.ts';
import { type PrivacyJob, readPrivacyJob } from './privacy-job.ts';
import { newJobQuery, runningJobQuery } from './running-job.ts';
import { runBatch } from '@waddle/d1/run-batch';
import { openTypedDatabase } from '@waddle/d1/typed-database';

/**
 * Starts an export of everything held about a user, or returns the one already running: a job
 * with a part for the central directory and one for every waddle the user ever joined (from
 * `user_waddles`, so waddles they left are included). Nothing is read yet: the job advances in
 * steps (`advanceJob`). One central round trip to create it, one to read it back.
 *
 * ```sql
 * insert or ignore into "privacy_jobs" ("user_id", "kind", "requested_by", "created_at", "updated_at") values (?, 'export', ?, ?, ?);
 * -- the parts: see jobPartStatements (central 'profile' at [], each waddle 'messages' at [0])
 * select "id" from "privacy_jobs" where "user_id" = ? and "kind" = 'export' and "status" = 'running';
 * ```
 */
export async function startExport(
  central: D1DatabaseLike,
  userId: number,
  requestedBy: 'user' | 'operator',
  now: number,
): Promise<PrivacyJob> {
  const database = openTypedDatabase<CentralSchema>(central);
  const results = await runBatch(database, [
    newJobQuery(database, userId, 'export', requestedBy, now),
    ...jobPartStatements(database, 'export', userId, now, centralExportSections[0]!, waddleExportSections[0]!),
    runningJobQuery(database, userId, 'export'),
  ]);
  return (await readPrivacyJob(central, results.at(-1)!.results[0]!.id))!;
}
