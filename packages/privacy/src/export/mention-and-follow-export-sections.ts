import type { D1DatabaseLike } from '@waddle/d1/database';
import type { JobSection } from '../job-section.ts';

/** The user's messages read per page for their mentions (most have none). */
const MESSAGE_PAGE = 500;
const PAGE = 500;

type Row = Record<string, unknown>;

/**
 * The mentions the user made: for each of their messages with mentions, who or what it mentions
 * (`user` and a user id, `role` and a role id, `everyone`, `here`). A page walks the next 500 of
 * their messages (`messages_by_user`) and joins each one's mentions by primary key, so a page is
 * bounded by messages, not by how rare mentions are; the cursor is the last message walked.
 * Mentions *of* the user are other members' messages and are not theirs to export.
 *
 * ```sql
 * SELECT p.id AS message_id, p.channel_id, p.thread_id, mm.kind, mm.target_id
 * FROM (SELECT id, channel_id, thread_id FROM messages WHERE user_id = ? AND id > ? ORDER BY id LIMIT 500) AS p
 * LEFT JOIN message_mentions AS mm ON mm.message_id = p.id
 * ORDER BY p.id, mm.kind, mm.target_id
 * ```
 */
export const mentionsMadeExport: JobSection = {
  name: 'mentions_made',
  firstCursor: [0],
  statements: 1,
  async page(database, { userId, waddleId }, cursor) {
    const { results } = await database
      .prepare(
        `SELECT p.id AS message_id, p.channel_id, p.thread_id, mm.kind, mm.target_id
         FROM (SELECT id, channel_id, thread_id FROM messages WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?) AS p
         LEFT JOIN message_mentions AS mm ON mm.message_id = p.id
         ORDER BY p.id, mm.kind, mm.target_id`,
      )
      .bind(userId, cursor[0], MESSAGE_PAGE)
      .all<{ message_id: number; channel_id: number; thread_id: number | null; kind: string | null; target_id: number | null }>();
    const walked = new Set(results.map((row) => row.message_id)).size;
    const mentions = results.filter((row) => row.kind !== null);
    return {
      rows: results.length,
      records: mentions.map((data) => ({ type: 'mention', waddleId: waddleId ?? undefined, data })),
      next: walked < MESSAGE_PAGE ? null : [Math.max(...results.map((row) => row.message_id))],
    };
  },
};

/** A page of the user's rows keyed by one integer column, read by `sql` bound to (user, after, limit). */
async function keyedPage(
  database: D1DatabaseLike,
  sql: string,
  userId: number,
  after: unknown,
  type: string,
  key: string,
  waddleId: number | null,
) {
  const { results } = await database.prepare(sql).bind(userId, after, PAGE).all<Row>();
  return {
    rows: results.length,
    records: results.map((data) => ({ type, waddleId: waddleId ?? undefined, data })),
    next: results.length < PAGE ? null : [results.at(-1)![key]],
  };
}

/**
 * The threads the user follows, muted or unfollowed, with their read marker in each.
 *
 * ```sql
 * SELECT f.thread_id, t.channel_id, f.following, f.muted, f.last_read_message_id FROM thread_follows AS f
 * INNER JOIN threads AS t ON t.id = f.thread_id
 * WHERE f.user_id = ? AND f.thread_id > ? ORDER BY f.thread_id LIMIT 500   -- primary key (user_id, thread_id)
 * ```
 */
export const threadFollowsExport: JobSection = {
  name: 'thread_follows',
  firstCursor: [0],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      `SELECT f.thread_id, t.channel_id, f.following, f.muted, f.last_read_message_id FROM thread_follows AS f
       INNER JOIN threads AS t ON t.id = f.thread_id
       WHERE f.user_id = ? AND f.thread_id > ? ORDER BY f.thread_id LIMIT ?`,
      userId,
      cursor[0],
      'thread_follow',
      'thread_id',
      waddleId,
    ),
};

/**
 * The user's notification level per channel (their overrides of the waddle level).
 *
 * ```sql
 * SELECT channel_id, level, updated_at FROM channel_notification_levels WHERE user_id = ? AND channel_id > ? ORDER BY channel_id LIMIT 500
 * ```
 */
export const channelNotificationLevelsExport: JobSection = {
  name: 'channel_notification_levels',
  firstCursor: [0],
  statements: 1,
  page: (database, { userId, waddleId }, cursor) =>
    keyedPage(
      database,
      'SELECT channel_id, level, updated_at FROM channel_notification_levels WHERE user_id = ? AND channel_id > ? ORDER BY channel_id LIMIT ?',
      userId,
      cursor[0],
      'channel_notification_level',
      'channel_id',
      waddleId,
    ),
};
