import { InvalidQueryError } from '../invalid-query-error.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { boundLimit } from '../bound-limit.ts';

export interface ActiveThread {
  readonly id: number;
  readonly title: string;
  readonly createdBy: number;
  readonly createdAt: number;
  readonly locked: boolean;
  /** Live (not deleted) messages in the thread. */
  readonly messageCount: number;
  /** Live messages created in the 24 hours before `now`. */
  readonly recentMessageCount: number;
  readonly lastMessageId: number | null;
  readonly lastMessageAt: number | null;
}

/** How far back `recentMessageCount` counts: the 24 hours before `now`. */
export const RECENT_ACTIVITY_MS = 24 * 60 * 60 * 1000;

/**
 * The threads of a channel by last activity, newest first, each with its message count and its
 * count over the last 24 hours: what the draft's `getActiveThreads` computed by joining every
 * message of the channel and grouping. Here activity is read from the thread row (kept by
 * triggers) through the `(channel_id, last_message_id)` index, and the 24-hour count of each
 * listed thread from the `(thread_id, created_at)` index of live messages: the cost follows the
 * number of threads listed and their recent traffic, never the channel's message volume.
 * Threads without messages come last, oldest first.
 *
 * ```sql
 * SELECT id, title, created_by, created_at, is_locked, message_count, last_message_id, last_message_at,
 *   (SELECT count(*) FROM messages WHERE thread_id = threads.id AND is_deleted = 0 AND created_at > ?) AS recent_message_count
 * FROM threads WHERE channel_id = ? ORDER BY last_message_id DESC, id LIMIT CAST(? AS INTEGER)
 * ```
 *
 * @example
 * ```ts
 * const threads = await getActiveThreads(waddle, { channelId: 1, limit: 20, now: context.now });
 * ```
 */
export async function getActiveThreads(
  waddle: WaddleDatabase,
  options: { readonly channelId: number; readonly limit?: number; readonly now: number },
): Promise<ActiveThread[]> {
  const rows = await activeThreadsQuery(waddle, options).execute();
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    createdBy: row.created_by,
    createdAt: row.created_at,
    locked: row.is_locked === 1,
    messageCount: row.message_count,
    recentMessageCount: row.recent_message_count ?? 0,
    lastMessageId: row.last_message_id,
    lastMessageAt: row.last_message_at,
  }));
}

/** The query of {@link getActiveThreads}, for its query plan. */
export function activeThreadsQuery(
  waddle: WaddleDatabase,
  options: { readonly channelId: number; readonly limit?: number; readonly now: number },
) {
  const limit = options.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidQueryError('limit', 'must be an integer from 1 to 100');
  const since = options.now - RECENT_ACTIVITY_MS;
  return waddle.db
    .selectFrom('threads')
    .select((eb) => [
      'id',
      'title',
      'created_by',
      'created_at',
      'is_locked',
      'message_count',
      'last_message_id',
      'last_message_at',
      eb
        .selectFrom('messages')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('messages.thread_id', '=', 'threads.id')
        .where('messages.is_deleted', '=', 0)
        .where('messages.created_at', '>', since)
        .as('recent_message_count'),
    ])
    .where('channel_id', '=', options.channelId)
    .orderBy('last_message_id', 'desc')
    .orderBy('id', 'asc')
    .limit(boundLimit(limit));
}
