import type { JobSection } from '../job-section.ts';

const PAGE = 500;

/** A section that deletes at most 500 of the user's rows per page of `sql` bound to (user, user, limit), until fewer remain. */
function boundedDeletion(name: string, sql: string): JobSection {
  return {
    name,
    firstCursor: [],
    statements: 1,
    async page(database, { userId }) {
      const result = await database.prepare(sql).bind(userId, userId, PAGE).run();
      const rows = result.meta.changes ?? 0;
      return { rows, records: [], next: rows < PAGE ? null : [] };
    },
  };
}

/**
 * The user's follows, mutes and unfollows, and their read marker in each thread. (The mentions
 * they made need no section: tombstoning their messages deletes them, by the schema's trigger.
 * Mentions *of* them in others' messages stay, as the opaque user id the text and the row hold,
 * as their authorship of a tombstone does.)
 *
 * ```sql
 * DELETE FROM thread_follows WHERE user_id = ? AND thread_id IN (SELECT thread_id FROM thread_follows WHERE user_id = ? LIMIT 500)
 * ```
 */
export const threadFollowsErasure = boundedDeletion(
  'thread_follows',
  'DELETE FROM thread_follows WHERE user_id = ? AND thread_id IN (SELECT thread_id FROM thread_follows WHERE user_id = ? LIMIT ?)',
);

/**
 * The user's per-channel notification levels.
 *
 * ```sql
 * DELETE FROM channel_notification_levels WHERE user_id = ? AND channel_id IN (SELECT channel_id FROM channel_notification_levels WHERE user_id = ? LIMIT 500)
 * ```
 */
export const channelNotificationLevelsErasure = boundedDeletion(
  'channel_notification_levels',
  'DELETE FROM channel_notification_levels WHERE user_id = ? AND channel_id IN (SELECT channel_id FROM channel_notification_levels WHERE user_id = ? LIMIT ?)',
);
