import { type Expression, sql } from 'kysely';
import { compiledOnce } from '../compiled-once.ts';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { requireCap } from '../mentions/unread-mention-counts.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { type ThreadUnreads, threadReadMarker, threadUnreadsQuery, toThreadUnreads } from './thread-unreads.ts';
import { boundLimit } from '../bound-limit.ts';

export interface FollowedThreadsPage {
  readonly threads: ThreadUnreads[];
  /** Pass back as `cursor` for the threads of older activity; `null` after the last. */
  readonly nextCursor: string | null;
}

export interface FollowedThreadsOptions {
  readonly userId: number;
  /** The channels the user may see: threads of other channels are never listed. */
  readonly visibleChannelIds: readonly number[];
  /** Only the threads of this channel (else across the waddle). */
  readonly channelId?: number;
  /** Only threads with something unread (a live message by someone else after the marker). */
  readonly onlyUnread?: boolean;
  /** 1 to 100, default 50. */
  readonly limit?: number;
  readonly cursor?: string;
  /** The bound of the unread and mention counts, default 100. */
  readonly cap?: number;
}

/**
 * The threads a user follows (not muted, not unfollowed), across the waddle or in one channel,
 * newest activity first (the thread's last live message; threads without one last), paged, each
 * with its capped unread and mention counts (see `getThreadUnreads`). Activity moves while a
 * client pages: a thread that gets a message jumps to the front and is not repeated further on.
 *
 * The page is chosen from the user's follow rows (primary key `(user_id, thread_id)`) and each
 * thread's row; ordering them by activity sorts the user's followed threads (a temporary B-tree
 * as large as what they follow, not as the waddle), since keeping activity on every follow row
 * would write one row per follower for every message. `onlyUnread` reads no message either: the
 * schema moves an author's marker to every message they post in a thread or move into it
 * (migrations 0021 and 0022), so the newest live message (`threads.last_message_id`) is after the
 * marker exactly when someone else's live message is (looking into each followed thread's
 * messages instead made the list of 500 followed threads take 6.7 ms in-process on the
 * 200,000-message synthetic waddle, against 0.6 ms). Only the page's threads are counted. The
 * statement is compiled once per shape ({@link followedThreads}).
 *
 * ```sql
 * SELECT <threadUnreadsQuery columns> FROM threads AS t LEFT JOIN thread_follows AS f … LEFT JOIN read_states AS r …
 * WHERE t.id IN (
 *   SELECT t.id FROM thread_follows AS f INNER JOIN threads AS t ON t.id = f.thread_id
 *   LEFT JOIN read_states AS r ON r.user_id = ? AND r.channel_id = t.channel_id
 *   WHERE f.user_id = ? AND f.following = 1
 *     AND t.channel_id IN (SELECT value FROM json_each(?)) [AND t.channel_id = ?]
 *     [AND coalesce(t.last_message_id, 0) > <marker>]                                   -- onlyUnread
 *     [AND (coalesce(t.last_message_id, 0), t.id) < (?, ?)]
 *   ORDER BY coalesce(t.last_message_id, 0) DESC, t.id DESC LIMIT CAST(? AS INTEGER))
 * ```
 *
 * @example
 * ```ts
 * const { threads, nextCursor } = await getFollowedThreads(waddle, { userId: 42, visibleChannelIds: [1, 2], onlyUnread: true });
 * ```
 */
export async function getFollowedThreads(waddle: WaddleDatabase, options: FollowedThreadsOptions): Promise<FollowedThreadsPage> {
  const limit = options.limit ?? 50;
  const cap = options.cap ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidQueryError('limit', 'must be an integer from 1 to 100');
  requireCap(cap);
  if (options.visibleChannelIds.length === 0) return { threads: [], nextCursor: null };
  const { rows } = await waddle.db.executeQuery(followedThreads.bind(waddle.db, followedThreadsArguments(options, limit, cap)));
  const activity = (row: { last_message_id: number | null }) => row.last_message_id ?? 0;
  rows.sort((a, b) => activity(b) - activity(a) || b.id - a.id);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    threads: page.map((row) => toThreadUnreads(row, cap)),
    nextCursor: rows.length > limit && last ? encodeCursor({ followedActivity: activity(last), followedThread: last.id }) : null,
  };
}

/** The arguments of {@link followedThreads}, checked (the cursor decoded), and the shape they give its text. */
export function followedThreadsArguments(options: FollowedThreadsOptions, limit: number, cap: number) {
  const { userId, visibleChannelIds, channelId } = options;
  if (![userId, ...visibleChannelIds, ...(channelId === undefined ? [] : [channelId])].every(Number.isSafeInteger)) {
    throw new InvalidQueryError('visibleChannelIds', 'user and channel ids must be integers');
  }
  const after =
    options.cursor === undefined ? undefined : decodeCursor(options.cursor, { followedActivity: 'number', followedThread: 'number' });
  return {
    userId,
    channels: JSON.stringify(visibleChannelIds),
    /** Unused (`null`) across the waddle. */
    channelId: channelId ?? null,
    onlyUnread: options.onlyUnread === true,
    /** Unused (`null`) on the first page. */
    afterActivity: after?.followedActivity ?? null,
    afterThread: after?.followedThread ?? null,
    limit: limit + 1,
    countLimit: cap + 1,
  };
}

/**
 * The statement of {@link getFollowedThreads} (`limit + 1` rows, in no guaranteed order),
 * compiled once per shape: in one channel or across the waddle, `onlyUnread` or not, first page
 * or after a cursor (eight texts at most). `followedThreads.bind(db, followedThreadsArguments(…))`
 * to run it, `.build(…)` for its query plan.
 */
export const followedThreads = compiledOnce(
  (args: ReturnType<typeof followedThreadsArguments>) => ({
    inChannel: args.channelId !== null,
    onlyUnread: args.onlyUnread,
    paged: args.afterActivity !== null,
  }),
  (db, args, shape) => {
    const activity = sql<number>`coalesce(t.last_message_id, 0)`;
    let page = db
      .selectFrom('thread_follows as f')
      .innerJoin('threads as t', 't.id', 'f.thread_id')
      .leftJoin('read_states as r', (join) => join.on('r.user_id', '=', args.userId).onRef('r.channel_id', '=', 't.channel_id'))
      .select('t.id')
      .where('f.user_id', '=', args.userId)
      .where('f.following', '=', 1)
      .where('t.channel_id', 'in', sql<number>`(SELECT value FROM json_each(${args.channels}))`);
    if (shape.inChannel) page = page.where('t.channel_id', '=', args.channelId as Expression<number>);
    // The thread's newest live message is never the user's own past their marker (the schema moves an author's
    // marker to each message they post in a thread or move into it), so it is after the marker exactly when
    // something by someone else is unread: the thread row decides, without reading its messages.
    if (shape.onlyUnread) page = page.where(activity, '>', threadReadMarker);
    if (shape.paged) page = page.where(sql<boolean>`(${activity}, t.id) < (${args.afterActivity}, ${args.afterThread})`);
    page = page.orderBy(activity, 'desc').orderBy('t.id', 'desc').limit(boundLimit(args.limit));
    return threadUnreadsQuery(db, args.userId, args.countLimit).where('t.id', 'in', page);
  },
);
