import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { sql } from 'kysely';
import { centralErasureSections } from './erasure/central-erasure-sections.ts';
import { waddleErasureSections } from './erasure/waddle-erasure-sections.ts';
import { jobPartStatements } from './job-part-statements.ts';
import { ownershipHandOverStatements } from './ownership-hand-over.ts';
import { type PrivacyJob, readPrivacyJob } from './privacy-job.ts';
import { newJobQuery, runningJobQuery } from './running-job.ts';
import { runBatch } from '@waddle/d1/run-batch';
import { openTypedDatabase } from '@waddle/d1/typed-database';

/**
 * Starts the erasure of a user, or returns the one already running (erasure is idempotent: a
 * second request resumes the first). In the same atomic central batch, everything small is erased
 * at once, so the account is gone from the first moment: the profile (username replaced by
 * `erased-<id>`, email, names, avatar, bio, locale and timezone cleared, `deleted_at` set, so
 * the user can no longer sign in), settings, memberships (with their nicknames), a global ban,
 * the ownership of their waddles (each passes to its longest-standing other member; a waddle with
 * no other member keeps the erased id as owner), and any export still running (its archive is deleted by the central part). The audit log
 * records the request without personal data (`user.erase`: job id and who asked).
 * Waddle databases and the audit entries' addresses follow in steps (`advanceJob`).
 *
 * ```sql
 * insert or ignore into "privacy_jobs" ("user_id", "kind", "requested_by", "created_at", "updated_at") values (?, 'erasure', ?, ?, ?);
 * -- the parts: see jobPartStatements (central 'audit_log', each waddle 'messages')
 * update "privacy_job_parts" set "status" = 'done', "finished_at" = ?, "updated_at" = ? where "status" = 'pending'
 *   and "job_id" in (select "id" from "privacy_jobs" where "user_id" = ? and "kind" = 'export' and "status" = 'running');
 * update "privacy_jobs" set "status" = 'done', "finished_at" = ?, "updated_at" = ? where "user_id" = ? and "kind" = 'export' and "status" = 'running';
 * update "users" set "username" = 'erased-' || "id", "email" = ?, "display_name" = ?, "avatar_url" = ?, "bio" = ?,   -- null each
 *   "locale" = 'en', "timezone" = 'UTC', "deleted_at" = coalesce("deleted_at", ?), "updated_at" = ? where "id" = ?;
 * delete from "user_settings" where "user_id" = ?;
 * -- the waddles they own pass to their longest-standing other member: see ownershipHandOverStatements
 * delete from "waddle_members" where "user_id" = ?;
 * delete from "global_bans" where "user_id" = ?;
 * insert into "audit_log" ("user_id", "action", "resource_type", "resource_id", "metadata", "created_at")
 *   select ? as "user_id", 'user.erase' as "action", 'user' as "resource_type", ? as "resource_id",
 *          json_object('jobId', "id", 'requestedBy', ?) as "metadata", ? as "created_at"
 *   from "privacy_jobs" where "user_id" = ? and "kind" = 'erasure' and "status" = 'running';
 * select "id" from "privacy_jobs" where "user_id" = ? and "kind" = 'erasure' and "status" = 'running';
 * ```
 */
export async function startErasure(
  central: D1DatabaseLike,
  userId: number,
  requestedBy: 'user' | 'operator',
  now: number,
): Promise<PrivacyJob> {
  const database = openTypedDatabase<CentralSchema>(central);
  const { db } = database;
  const runningExport = runningJobQuery(database, userId, 'export');
  const results = await runBatch(database, [
    newJobQuery(database, userId, 'erasure', requestedBy, now),
    ...jobPartStatements(database, 'erasure', userId, now, centralErasureSections[0]!, waddleErasureSections[0]!),
    db
      .updateTable('privacy_job_parts')
      .set({ status: sql.lit('done'), finished_at: now, updated_at: now })
      .where('status', '=', sql.lit('pending'))
      .where('job_id', 'in', runningExport),
    db
      .updateTable('privacy_jobs')
      .set({ status: sql.lit('done'), finished_at: now, updated_at: now })
      .where('user_id', '=', userId)
      .where('kind', '=', sql.lit('export'))
      .where('status', '=', sql.lit('running')),
    db
      .updateTable('users')
      .set((eb) => ({
        username: eb(sql.lit('erased-'), '||', eb.ref('id').$castTo<string>()),
        email: null,
        display_name: null,
        avatar_url: null,
        bio: null,
        locale: sql.lit('en'),
        timezone: sql.lit('UTC'),
        deleted_at: eb.fn.coalesce('deleted_at', eb.val(now)),
        updated_at: now,
      }))
      .where('id', '=', userId),
    db.deleteFrom('user_settings').where('user_id', '=', userId),
    ...ownershipHandOverStatements(database, userId, now),
    db.deleteFrom('waddle_members').where('user_id', '=', userId),
    db.deleteFrom('global_bans').where('user_id', '=', userId),
    db
      .insertInto('audit_log')
      .columns(['user_id', 'action', 'resource_type', 'resource_id', 'metadata', 'created_at'])
      .expression(
        runningJobQuery(database, userId, 'erasure')
          .clearSelect()
          .select((eb) => [
            eb.val(userId).as('user_id'),
            sql.lit('user.erase').as('action'),
            sql.lit('user').as('resource_type'),
            eb.val(String(userId)).as('resource_id'),
            eb.fn<string>('json_object', [sql.lit('jobId'), 'id', sql.lit('requestedBy'), eb.val(requestedBy)]).as('metadata'),
            eb.val(now).as('created_at'),
          ]),
      ),
    runningJobQuery(database, userId, 'erasure'),
  ]);
  return (await readPrivacyJob(central, results.at(-1)!.results[0]!.id))!;
}
