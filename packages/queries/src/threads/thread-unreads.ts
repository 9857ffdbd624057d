import type { DB } from '@waddle/waddle-schema/database';
import { type Kysely, type SqlBool, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { VIEWER_TARGETS, viewerTargets } from '../mentions/mentions-reaching.ts';
import { type CountLimit, requireCap, threadUnreadMentionCount, type ViewerId } from '../mentions/unread-mention-counts.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { boundLimit } from '../bound-limit.ts';

/** A user's state in one thread: whether they follow or muted it, and what is unread in it. */
export interface ThreadUnreads {
  readonly threadId: number;
  readonly channelId: number;
  readonly title: string;
  readonly lastMessageId: number | null;
  readonly lastMessageAt: number | null;
  readonly following: boolean;
  readonly muted: boolean;
  /** The thread's read marker: its own, or the channel's when that is further (0: nothing read). */
  readonly lastReadMessageId: number;
  /** Live messages of the thread after the marker, by others, counted up to `cap`. */
  readonly unreadCount: number;
  readonly unreadCapped: boolean;
  /** Of those, the ones that mention the user (by name, a role held, everyone), up to `cap`; 0 in a muted thread. */
  readonly mentionCount: number;
  readonly mentionsCapped: boolean;
}

/**
 * The read marker of a user in a thread, as an expression over `f` (their `thread_follows` row)
 * and `r` (their `read_states` row of the thread's channel): the further of the two, since
 * reading the channel up to a message covers that thread's messages up to it too.
 *
 * ```sql
 * max(coalesce(f.last_read_message_id, 0), coalesce(r.last_read_message_id, 0))
 * ```
 */
export const threadReadMarker = sql<number>`max(coalesce(f.last_read_message_id, 0), coalesce(r.last_read_message_id, 0))`;

/**
 * The unread messages of thread `t` for the user whose follow row is `f` (see `unreadMessages`:
 * live, after {@link threadReadMarker}, by someone else), read from `messages_by_thread` alone
 * (it carries `is_deleted`, migration 0027). With a follow row the author test is implied, so it
 * is not evaluated and no message row is read: the schema moves an author's marker to every live
 * message they post in the thread or move into it (migrations 0021 and 0022), so none of their own
 * is after it. Without one (a thread the user never followed, posted in or was named in), the
 * test is kept, and each entry after the marker is looked up for its author. Looking up every
 * entry made the unread counts of the 50 listed threads most of the followed-threads list's cost
 * on the 1,000,000-message synthetic waddle.
 *
 * ```sql
 * SELECT … FROM messages AS m
 * WHERE m.thread_id = t.id AND m.id > <marker> AND m.is_deleted = 0 AND (f.thread_id IS NOT NULL OR m.user_id <> ?)
 * ```
 */
export function threadUnreadMessages(db: Kysely<DB>, userId: ViewerId) {
  return db
    .selectFrom('messages as m')
    .where('m.thread_id', '=', sql<number>`t.id`)
    .where('m.id', '>', threadReadMarker)
    .where('m.is_deleted', '=', 0)
    .where(sql<SqlBool>`(f.thread_id IS NOT NULL OR m.user_id <> ${userId})`);
}

/**
 * Threads (`t`) with the user's follow row (`f`), channel read state (`r`) and the capped unread
 * and mention counts after {@link threadReadMarker}, for {@link getThreadUnreads} and the
 * followed-threads list. Each count reads at most `countLimit` (`cap + 1`) entries of an index
 * from the marker.
 *
 * ```sql
 * WITH viewer_targets AS MATERIALIZED (<viewerTargets>)
 * SELECT t.id, t.channel_id, t.title, t.last_message_id, t.last_message_at,
 *   coalesce(f.following, 0) AS following, coalesce(f.muted, 0) AS muted, <marker> AS last_read,
 *   (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.thread_id = t.id AND m.id > <marker>
 *      AND m.is_deleted = 0 AND (f.thread_id IS NOT NULL OR m.user_id <> ?) LIMIT CAST(? AS INTEGER))) AS unread,
 *   CASE WHEN coalesce(f.muted, 0) = 1 THEN 0 ELSE (<threadUnreadMentionCount in thread t.id after <marker>, LIMIT CAST(? AS INTEGER)>) END AS mentions
 * FROM threads AS t
 * LEFT JOIN thread_follows AS f ON f.user_id = ? AND f.thread_id = t.id
 * LEFT JOIN read_states AS r ON r.user_id = ? AND r.channel_id = t.channel_id
 * ```
 */
export function threadUnreadsQuery(db: Kysely<DB>, userId: ViewerId, countLimit: CountLimit) {
  const unread = threadUnreadMessages(db, userId).select(sql.lit(1).as('one')).limit(boundLimit(countLimit));
  return db
    .with(
      (cte) => cte(VIEWER_TARGETS).materialized(),
      () => viewerTargets(db, userId),
    )
    .selectFrom('threads as t')
    .leftJoin('thread_follows as f', (join) => join.on('f.user_id', '=', userId).onRef('f.thread_id', '=', 't.id'))
    .leftJoin('read_states as r', (join) => join.on('r.user_id', '=', userId).onRef('r.channel_id', '=', 't.channel_id'))
    .select((eb) => [
      't.id',
      't.channel_id',
      't.title',
      't.last_message_id',
      't.last_message_at',
      eb.fn.coalesce('f.following', eb.lit(0)).as('following'),
      eb.fn.coalesce('f.muted', eb.lit(0)).as('muted'),
      threadReadMarker.as('last_read'),
      eb
        .selectFrom(unread.as('unread'))
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .$asScalar()
        .as('unread'),
      threadUnreadMentionCount(db, userId, sql<number>`t.id`, threadReadMarker, countLimit, sql<SqlBool>`coalesce(f.muted, 0) = 1`).as(
        'mentions',
      ),
    ]);
}

/** A row of {@link threadUnreadsQuery} as the API returns it, counts capped at `cap`. */
export function toThreadUnreads(
  row: {
    id: number;
    channel_id: number;
    title: string;
    last_message_id: number | null;
    last_message_at: number | null;
    following: number;
    muted: number;
    last_read: number;
    unread: number | null;
    mentions: number | null;
  },
  cap: number,
): ThreadUnreads {
  const unread = row.unread ?? 0;
  const mentions = row.mentions ?? 0;
  return {
    threadId: row.id,
    channelId: row.channel_id,
    title: row.title,
    lastMessageId: row.last_message_id,
    lastMessageAt: row.last_message_at,
    following: row.following === 1,
    muted: row.muted === 1,
    lastReadMessageId: row.last_read,
    unreadCount: Math.min(unread, cap),
    unreadCapped: unread > cap,
    mentionCount: Math.min(mentions, cap),
    mentionsCapped: mentions > cap,
  };
}

/**
 * A user's unread and mention counts in the given threads, limited to the channels they may see
 * (`visibleChannelIds`: a thread elsewhere is left out, as if it did not exist), whether or not
 * they follow them, counted up to `cap` (default 100). See {@link threadUnreadsQuery} for the SQL
 * (filtered by `t.id IN (SELECT value FROM json_each(?)) AND t.channel_id IN (SELECT value FROM json_each(?))`).
 *
 * @example
 * ```ts
 * const [thread] = await getThreadUnreads(waddle, { userId: 42, threadIds: [7], visibleChannelIds: [1, 2] });
 * ```
 */
export async function getThreadUnreads(
  waddle: WaddleDatabase,
  options: {
    readonly userId: number;
    readonly threadIds: readonly number[];
    readonly visibleChannelIds: readonly number[];
    readonly cap?: number;
  },
): Promise<ThreadUnreads[]> {
  const cap = options.cap ?? 100;
  requireCap(cap);
  if (![options.userId, ...options.threadIds, ...options.visibleChannelIds].every(Number.isSafeInteger)) {
    throw new InvalidQueryError('threadIds', 'user, thread and channel ids must be integers');
  }
  if (options.threadIds.length === 0 || options.visibleChannelIds.length === 0) return [];
  const rows = await threadUnreadsQuery(waddle.db, options.userId, cap + 1)
    .where('t.id', 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(options.threadIds)}))`)
    .where('t.channel_id', 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(options.visibleChannelIds)}))`)
    .orderBy('t.id')
    .execute();
  return rows.map((row) => toThreadUnreads(row, cap));
}
