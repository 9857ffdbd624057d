import type { D1DatabaseLike } from '@waddle/d1/database';
import { centralErasureSections } from './erasure/central-erasure-sections.ts';
import { waddleErasureSections } from './erasure/waddle-erasure-sections.ts';
import { jobPartStatements } from './job-part-statements.ts';
import { ownershipHandOverStatements } from './ownership-hand-over.ts';
import { type PrivacyJob, readPrivacyJob } from './privacy-job.ts';

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
 * INSERT OR IGNORE INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at) VALUES (?, 'erasure', ?, ?, ?);
 * -- the parts: see jobPartStatements (central 'audit_log', each waddle 'messages')
 * UPDATE privacy_job_parts SET status = 'done', finished_at = ?, updated_at = ? WHERE status = 'pending'
 *   AND job_id IN (SELECT id FROM privacy_jobs WHERE user_id = ? AND kind = 'export' AND status = 'running');
 * UPDATE privacy_jobs SET status = 'done', finished_at = ?, updated_at = ? WHERE user_id = ? AND kind = 'export' AND status = 'running';
 * UPDATE users SET username = 'erased-' || id, email = NULL, display_name = NULL, avatar_url = NULL, bio = NULL,
 *   locale = 'en', timezone = 'UTC', deleted_at = coalesce(deleted_at, ?), updated_at = ? WHERE id = ?;
 * DELETE FROM user_settings WHERE user_id = ?;
 * -- the waddles they own pass to their longest-standing other member: see ownershipHandOverStatements
 * DELETE FROM waddle_members WHERE user_id = ?;
 * DELETE FROM global_bans WHERE user_id = ?;
 * INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, created_at)
 *   SELECT ?, 'user.erase', 'user', ?, json_object('jobId', id, 'requestedBy', ?), ? FROM privacy_jobs
 *   WHERE user_id = ? AND kind = 'erasure' AND status = 'running';
 * SELECT id FROM privacy_jobs WHERE user_id = ? AND kind = 'erasure' AND status = 'running';
 * ```
 */
export async function startErasure(
  central: D1DatabaseLike,
  userId: number,
  requestedBy: 'user' | 'operator',
  now: number,
): Promise<PrivacyJob> {
  const results = await central.batch<{ id: number }>([
    central
      .prepare("INSERT OR IGNORE INTO privacy_jobs (user_id, kind, requested_by, created_at, updated_at) VALUES (?, 'erasure', ?, ?, ?)")
      .bind(userId, requestedBy, now, now),
    ...jobPartStatements(central, 'erasure', userId, now, centralErasureSections[0]!, waddleErasureSections[0]!),
    central
      .prepare(
        `UPDATE privacy_job_parts SET status = 'done', finished_at = ?, updated_at = ? WHERE status = 'pending'
         AND job_id IN (SELECT id FROM privacy_jobs WHERE user_id = ? AND kind = 'export' AND status = 'running')`,
      )
      .bind(now, now, userId),
    central
      .prepare(
        "UPDATE privacy_jobs SET status = 'done', finished_at = ?, updated_at = ? WHERE user_id = ? AND kind = 'export' AND status = 'running'",
      )
      .bind(now, now, userId),
    central
      .prepare(
        `UPDATE users SET username = 'erased-' || id, email = NULL, display_name = NULL, avatar_url = NULL, bio = NULL,
           locale = 'en', timezone = 'UTC', deleted_at = coalesce(deleted_at, ?), updated_at = ? WHERE id = ?`,
      )
      .bind(now, now, userId),
    central.prepare('DELETE FROM user_settings WHERE user_id = ?').bind(userId),
    ...ownershipHandOverStatements(central, userId, now),
    central.prepare('DELETE FROM waddle_members WHERE user_id = ?').bind(userId),
    central.prepare('DELETE FROM global_bans WHERE user_id = ?').bind(userId),
    central
      .prepare(
        `INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, created_at)
         SELECT ?, 'user.erase', 'user', ?, json_object('jobId', id, 'requestedBy', ?), ? FROM privacy_jobs
         WHERE user_id = ? AND kind = 'erasure' AND status = 'running'`,
      )
      .bind(userId, String(userId), requestedBy, now, userId),
    central.prepare("SELECT id FROM privacy_jobs WHERE user_id = ? AND kind = 'erasure' AND status = 'running'").bind(userId),
  ]);
  return (await readPrivacyJob(central, results.at(-1)!.results[0]!.id))!;
}
