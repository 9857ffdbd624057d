import type { DB } from '@waddle/waddle-schema/database';
import { type Kysely, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { firstUnreadMessageId, unreadMessages } from './first-unread.ts';
import { boundLimit } from '../bound-limit.ts';

export interface ChannelUnreads {
  readonly channelId: number;
  /** The user's read marker: the newest message id they have read (0: none). */
  readonly lastReadMessageId: number;
  /** Live messages after the marker, by others, counted up to `cap`. */
  readonly unreadCount: number;
  /** `unreadCount` stopped at the cap: there are at least that many. */
  readonly capped: boolean;
  /** The first unread message (by another user, live), or `null`: where `anchor: 'first_unread'` starts a page. */
  readonly firstUnreadMessageId: number | null;
}

/**
 * Unread counts of a user in the given channels (the ones the caller may see): live messages by
 * others after the user's read marker, counted up to `cap` (default 100) so the cost of a long
 * absence stays bounded, with the first unread message to jump to. "Unread" is the one definition
 * of `unreads/first-unread` that a page anchored at `first_unread` also uses. One query for all
 * channels; each count reads at most `cap + 1` entries of the `(channel_id, id)` index.
 *
 * ```sql
 * SELECT c.id AS channel_id, coalesce(r.last_read_message_id, 0) AS last_read,
 *   (SELECT count(*) FROM (SELECT 1 AS one FROM messages AS m WHERE m.channel_id = c.id AND m.id > coalesce(r.last_read_message_id, 0)
 *      AND m.is_deleted = 0 AND m.user_id <> ? LIMIT CAST(? AS INTEGER))) AS unread,
 *   (SELECT m.id FROM messages AS m WHERE m.channel_id = c.id AND m.id > coalesce(r.last_read_message_id, 0)
 *      AND m.is_deleted = 0 AND m.user_id <> ? ORDER BY m.id LIMIT 1) AS first_unread
 * FROM channels c LEFT JOIN read_states r ON r.user_id = ? AND r.channel_id = c.id
 * WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id
 * ```
 */
export async function getUnreadCounts(
  waddle: WaddleDatabase,
  options: { readonly userId: number; readonly channelIds: readonly number[]; readonly cap?: number },
): Promise<ChannelUnreads[]> {
  const cap = options.cap ?? 100;
  if (!Number.isInteger(cap) || cap < 1 || cap > 1000) throw new InvalidQueryError('cap', 'must be an integer from 1 to 1000');
  if (options.channelIds.length === 0) return [];
  const { rows } = await unreadCountsQuery(waddle.db, options.userId, options.channelIds, cap).execute(waddle.db);
  return rows.map((row) => ({
    channelId: row.channel_id,
    lastReadMessageId: row.last_read,
    unreadCount: Math.min(row.unread, cap),
    capped: row.unread > cap,
    firstUnreadMessageId: row.first_unread,
  }));
}

/** The query of {@link getUnreadCounts}, for its query plan. */
export function unreadCountsQuery(db: Kysely<DB>, userId: number, channelIds: readonly number[], cap: number) {
  if (!Number.isSafeInteger(userId) || !channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  const marker = sql<number>`coalesce(r.last_read_message_id, 0)`;
  const channel = { channelId: sql<number>`c.id` };
  const counted = unreadMessages(db, channel, userId, marker)
    .select(sql<number>`1`.as('one'))
    .limit(boundLimit(cap + 1));
  return sql<{ channel_id: number; last_read: number; unread: number; first_unread: number | null }>`
    SELECT c.id AS channel_id, ${marker} AS last_read,
      (SELECT count(*) FROM ${counted}) AS unread,
      ${firstUnreadMessageId(db, channel, userId, marker)} AS first_unread
    FROM channels AS c LEFT JOIN read_states AS r ON r.user_id = ${userId} AND r.channel_id = c.id
    WHERE c.id IN (SELECT value FROM json_each(${JSON.stringify(channelIds)})) ORDER BY c.id`;
}
