import type { DB } from '@waddle/central-schema/database';
import { type Kysely, sql } from 'kysely';
import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * The ids of the running privacy jobs of one kind, oldest first, at most `limit`.
 *
 * ```sql
 * SELECT id FROM privacy_jobs WHERE kind = ? AND status = 'running' ORDER BY id LIMIT ?  -- partial index privacy_jobs_one_running
 * ```
 */
export async function runningPrivacyJobIds(directory: DirectoryDatabase, kind: 'export' | 'erasure', limit: number): Promise<number[]> {
  const jobs = await runningPrivacyJobsQuery(directory.db, kind, limit).execute();
  return jobs.map((job) => job.id);
}

/** The query of {@link runningPrivacyJobIds}, exported so a test can hold it against `EXPLAIN QUERY PLAN`. */
export function runningPrivacyJobsQuery(db: Kysely<DB>, kind: 'export' | 'erasure', limit: number) {
  return (
    db
      .selectFrom('privacy_jobs')
      .select('id')
      .where('kind', '=', kind)
      // A literal (not a bound parameter), so SQLite can match the partial index's `WHERE status = 'running'`:
      // Kysely's `eb.lit` takes numbers, booleans and null only, hence `sql.lit`.
      .where('status', '=', sql.lit('running'))
      .orderBy('id')
      .limit(limit)
  );
}
