import { sql } from 'kysely';
import type { PrivacyJobKind } from './privacy-job.ts';
import type { CentralDatabase } from './privacy-databases.ts';

/**
 * The insert that creates the user's running job of `kind`, or does nothing when one is running
 * already (the partial unique index `privacy_jobs_one_running`): starting a job twice resumes the first.
 *
 * ```sql
 * insert or ignore into "privacy_jobs" ("user_id", "kind", "requested_by", "created_at", "updated_at") values (?, 'export', ?, ?, ?)
 * ```
 */
export function newJobQuery(central: CentralDatabase, userId: number, kind: PrivacyJobKind, requestedBy: 'user' | 'operator', now: number) {
  return central.db
    .insertInto('privacy_jobs')
    .orIgnore()
    .values({ user_id: userId, kind: sql.lit(kind), requested_by: requestedBy, created_at: now, updated_at: now });
}

/**
 * The id of the user's running job of `kind` (at most one: `privacy_jobs_one_running`).
 *
 * ```sql
 * select "id" from "privacy_jobs" where "user_id" = ? and "kind" = 'export' and "status" = 'running'
 * ```
 */
export function runningJobQuery(central: CentralDatabase, userId: number, kind: PrivacyJobKind) {
  return central.db
    .selectFrom('privacy_jobs')
    .select('id')
    .where('user_id', '=', userId)
    .where('kind', '=', sql.lit(kind))
    .where('status', '=', sql.lit('running'));
}
