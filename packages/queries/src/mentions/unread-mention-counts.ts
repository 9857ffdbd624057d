import type { DB } from '@waddle/waddle-schema/database';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { type BoundArguments, compiledOnce } from '../compiled-once.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { mentionsOfTargets, VIEWER_TARGETS, viewerTargets } from './mentions-reaching.ts';
import { boundLimit } from '../bound-limit.ts';

export interface ChannelMentions {
  readonly channelId: number;
  /** The user's read marker in the channel (0: nothing read). */
  readonly lastReadMessageId: number;
  /** Messages after the marker that mention the user (see `mentionArms`), counted up to `cap`. */
  readonly mentionCount: number;
  /** `mentionCount` stopped at the cap: there are at least that many. */
  readonly capped: boolean;
}

/**
 * How many distinct messages `mentions` ({@link mentionsOfTargets}) finds, counted up to
 * `countLimit`, which is `cap + 1` (so a caller can tell "more than cap"). The walk reads at most
 * `countLimit` entries, each with its `shares_message` flag: when none has it, each entry is a
 * message of its own (no other mention row has its message), so their number is the count. Only
 * when one has it are the entries deduplicated, by a second walk of distinct ids, which stops at
 * `countLimit` distinct messages. Deduplicating every walk (a temporary B-tree for every entry)
 * was half the cost of the unread mention counts on the 1,000,000-message synthetic waddle, where
 * no message reaches a reader twice (3.3 against 1.7 ms in-process for 50 channels); merging the
 * ways in message order (`UNION … ORDER BY message_id LIMIT`) was four times slower still.
 *
 * ```sql
 * (SELECT CASE WHEN max(walk.shares_message) = 1
 *    THEN (SELECT count(*) FROM (SELECT DISTINCT message_id FROM (<mentions>) LIMIT <cap + 1>))
 *    ELSE count(*) END
 *  FROM (<mentions> LIMIT <cap + 1>) AS walk)
 * ```
 */
function cappedMentionCount(db: Kysely<DB>, mentions: ReturnType<typeof mentionsOfTargets>, countLimit: CountLimit) {
  const distinct = db.selectFrom(mentions.as('found')).select('found.message_id').distinct().limit(boundLimit(countLimit));
  const distinctCount = db
    .selectFrom(distinct.as('reaching'))
    .select((eb) => eb.fn.countAll<number>().as('mentions'))
    .$asScalar();
  return db
    .selectFrom(mentions.limit(boundLimit(countLimit)).as('walk'))
    .select(sql<number>`CASE WHEN max(walk.shares_message) = 1 THEN (${distinctCount}) ELSE count(*) END`.as('mentions'))
    .$asScalar();
}

/**
 * The viewer's mentions in a thread after `after`, counted up to `cap + 1`; 0 when `muted` (the
 * viewer muted the thread), without reading its mentions. Each of the viewer's targets seeks
 * `message_mentions_by_target_in_thread` from (target, thread, marker). The statement must define
 * the CTE `viewer_targets` (`viewerTargets`).
 *
 * ```sql
 * CASE WHEN <muted> THEN 0 ELSE (<cappedMentionCount of mentionsOfTargets in thread ? after ?>) END
 * ```
 */
export function threadUnreadMentionCount(
  db: Kysely<DB>,
  viewerId: ViewerId,
  threadId: Expression<number>,
  after: Expression<number>,
  countLimit: CountLimit,
  muted: Expression<SqlBool>,
) {
  const count = cappedMentionCount(db, mentionsOfTargets(db, viewerId, { threadId }, after), countLimit);
  return sql<number>`CASE WHEN ${muted} THEN 0 ELSE (${count}) END`;
}

/**
 * The viewer's mentions in a channel after `after`, leaving out the threads they muted, counted
 * up to `cap + 1`. The statement must define the CTEs `viewer_targets` (`viewerTargets`) and
 * {@link MUTED_THREADS} ({@link mutedThreads}); `hasMutedThread` (1 when the viewer muted a thread
 * of this channel, from that CTE) gates the per-mention test, so a channel without a muted thread
 * pays nothing for it (testing every mention against the list tripled the cost of the counts on
 * the 1,000,000-message synthetic waddle).
 *
 * ```sql
 * (<cappedMentionCount of mentionsOfTargets in channel ? after ?,
 *    AND (<hasMutedThread> = 0 OR coalesce(mm.thread_id, 0) NOT IN (SELECT thread_id FROM muted_threads))>)
 * ```
 */
export function channelUnreadMentionCount(
  db: Kysely<DB>,
  viewerId: ViewerId,
  channelId: Expression<number>,
  after: Expression<number>,
  countLimit: CountLimit,
  hasMutedThread: Expression<number>,
) {
  const notMuted = sql<SqlBool>`(${hasMutedThread} = 0 OR coalesce(mm.thread_id, 0) NOT IN (SELECT thread_id FROM ${sql.table(MUTED_THREADS)}))`;
  return cappedMentionCount(db, mentionsOfTargets(db, viewerId, { channelId }, after).where(notMuted), countLimit);
}

/** The name of the CTE of {@link mutedThreads}. */
export const MUTED_THREADS = 'muted_threads';

/**
 * What a later message shard cannot read of the viewer (its `member_roles` and `thread_follows`
 * are not the waddle's): the roles they hold now and the threads they muted, with their channel,
 * read in the waddle's primary and passed to the statement as parameters.
 */
export interface GivenMentionViewer {
  readonly roleIds: readonly number[];
  readonly mutedThreads: readonly { readonly threadId: number; readonly channelId: number }[];
}

/**
 * The threads the viewer muted, with their channel, for a `MATERIALIZED` CTE named
 * {@link MUTED_THREADS}: read once per statement from the viewer's follow rows (primary key
 * `(user_id, thread_id)`), or taken from `given` (see {@link GivenMentionViewer}).
 *
 * ```sql
 * SELECT tf.thread_id, t.channel_id FROM thread_follows AS tf INNER JOIN threads AS t ON t.id = tf.thread_id
 * WHERE tf.user_id = ? AND tf.muted = 1
 * -- given: SELECT json_extract(value, '$[0]') AS thread_id, json_extract(value, '$[1]') AS channel_id FROM json_each(?)
 * ```
 */
export function mutedThreads(db: Kysely<DB>, viewerId: ViewerId, given?: GivenMentionViewer) {
  if (given !== undefined) {
    const rows = JSON.stringify(given.mutedThreads.map((muted) => [muted.threadId, muted.channelId]));
    return db
      .selectFrom(sql<{ value: string }>`json_each(${rows})`.as('given'))
      .select([
        sql<number>`json_extract(given.value, '$[0]')`.as('thread_id'),
        sql<number>`json_extract(given.value, '$[1]')`.as('channel_id'),
      ]);
  }
  return db
    .selectFrom('thread_follows as tf')
    .innerJoin('threads as t', 't.id', 'tf.thread_id')
    .select(['tf.thread_id', 't.channel_id'])
    .where('tf.user_id', '=', viewerId)
    .where('tf.muted', '=', 1);
}

/**
 * `db` with the two CTEs every capped mention count of a viewer reads, each computed once per
 * statement: the ways a message reaches them ({@link viewerTargets}) and the threads they muted
 * ({@link mutedThreads}), from the statement's database or, in a later message shard, `given`.
 *
 * ```sql
 * WITH viewer_targets AS MATERIALIZED (<viewerTargets>), muted_threads AS MATERIALIZED (<mutedThreads>)
 * ```
 */
export function withViewerMentionScope(db: Kysely<DB>, viewerId: ViewerId, given?: GivenMentionViewer) {
  return db
    .with(
      (cte) => cte(VIEWER_TARGETS).materialized(),
      () => viewerTargets(db, viewerId, given?.roleIds),
    )
    .with(
      (cte) => cte(MUTED_THREADS).materialized(),
      () => mutedThreads(db, viewerId, given),
    );
}

/** The viewer's user id, as a value or as the argument of a statement compiled once (`compiledOnce`). */
export type ViewerId = number | Expression<number>;

/** How many entries a capped count reads at most: `cap + 1`, as a value or as an argument of a statement compiled once. */
export type CountLimit = number | Expression<number>;

/** Throws unless `cap` is an integer from 1 to 1000 (the bound of every capped count). */
export function requireCap(cap: number): void {
  if (!Number.isInteger(cap) || cap < 1 || cap > 1000) throw new InvalidQueryError('cap', 'must be an integer from 1 to 1000');
}

/**
 * A user's unread mention counts in the given channels (the ones the caller may see): messages
 * after the user's channel read marker that mention them, their roles or everyone (the definition
 * of `mentionArms`), not written by them, not in a thread they muted, reported up to `cap`
 * (default 100). One statement of the same text for any user and any number of channels and
 * roles, compiled once ({@link unreadMentionCounts}): the viewer's targets (their name, roles, everyone, here), their muted threads and the
 * channels with their markers are materialized once, then each channel is counted by
 * {@link channelUnreadMentionCount}: each target seeks its index from (target, channel, marker)
 * and the count stops at `cap + 1` distinct messages, so the work is at most `cap + 1` of the
 * user's mentions per channel (twice that when one of them is a message that mentions more than
 * once, see `cappedMentionCount`), whatever the channel's traffic or the number of their unread
 * mentions. (Counting every unread mention in one pass grouped by channel, as a first version did,
 * read all of them: about 7,000 with the markers at 0 on the 1,000,000-message synthetic waddle,
 * 6.9 ms in-process.)
 *
 * ```sql
 * WITH viewer_targets AS MATERIALIZED (<viewerTargets>),
 * muted_threads AS MATERIALIZED (<mutedThreads>),
 * viewer_channels AS MATERIALIZED (
 *   SELECT c.id AS channel_id, coalesce(r.last_read_message_id, 0) AS marker,
 *     c.id IN (SELECT channel_id FROM muted_threads) AS has_muted_thread
 *   FROM channels AS c LEFT JOIN read_states AS r ON r.user_id = ? AND r.channel_id = c.id
 *   WHERE c.id IN (SELECT value FROM json_each(?)))
 * SELECT vc.channel_id, vc.marker AS last_read,
 *   (SELECT CASE WHEN max(walk.shares_message) = 1
 *      THEN (SELECT count(*) FROM (SELECT DISTINCT message_id FROM (<the same walk>) LIMIT <cap + 1>))
 *      ELSE count(*) END
 *    FROM (SELECT mm.message_id, mm.shares_message FROM viewer_targets AS vt CROSS JOIN message_mentions AS mm
 *       WHERE mm.kind = vt.kind AND mm.target_id = vt.target_id AND mm.channel_id = vc.channel_id
 *         AND mm.message_id > vc.marker AND mm.author_id <> ?
 *         AND (vc.has_muted_thread = 0 OR coalesce(mm.thread_id, 0) NOT IN (SELECT thread_id FROM muted_threads))
 *       LIMIT <cap + 1>) AS walk) AS mentions
 * FROM viewer_channels AS vc ORDER BY vc.channel_id
 * ```
 *
 * @example
 * ```ts
 * const counts = await getUnreadMentionCounts(waddle, { userId: 42, channelIds: await visibleChannelIds(access) });
 * ```
 */
export async function getUnreadMentionCounts(
  waddle: WaddleDatabase,
  options: { readonly userId: number; readonly channelIds: readonly number[]; readonly cap?: number },
): Promise<ChannelMentions[]> {
  const cap = options.cap ?? 100;
  requireCap(cap);
  if (options.channelIds.length === 0) return [];
  const { rows } = await waddle.db.executeQuery(
    unreadMentionCounts.bind(waddle.db, unreadMentionCountsArguments(options.userId, options.channelIds, cap)),
  );
  return rows.map((row) => ({
    channelId: row.channel_id,
    lastReadMessageId: row.last_read,
    mentionCount: Math.min(row.mentions ?? 0, cap),
    capped: (row.mentions ?? 0) > cap,
  }));
}

/** The arguments of {@link unreadMentionCounts}, checked. */
export function unreadMentionCountsArguments(userId: number, channelIds: readonly number[], cap: number) {
  if (!Number.isSafeInteger(userId) || !channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  return { userId, channels: JSON.stringify(channelIds), countLimit: cap + 1 };
}

/**
 * The statement of {@link getUnreadMentionCounts}, compiled once (one shape):
 * `unreadMentionCounts.bind(db, unreadMentionCountsArguments(…))` to run it, `.build(…)` for its
 * query plan.
 */
export const unreadMentionCounts = compiledOnce(
  () => ({}),
  (db, args: BoundArguments<ReturnType<typeof unreadMentionCountsArguments>>) =>
    withViewerMentionScope(db, args.userId)
      .with(
        (cte) => cte('viewer_channels').materialized(),
        (qb) =>
          qb
            .selectFrom('channels as c')
            .leftJoin('read_states as r', (join) => join.on('r.user_id', '=', args.userId).onRef('r.channel_id', '=', 'c.id'))
            .select((eb) => [
              'c.id as channel_id',
              sql<number>`coalesce(r.last_read_message_id, 0)`.as('marker'),
              eb('c.id', 'in', eb.selectFrom(MUTED_THREADS).select('channel_id')).$castTo<number>().as('has_muted_thread'),
            ])
            .where('c.id', 'in', sql<number>`(SELECT value FROM json_each(${args.channels}))`),
      )
      .selectFrom('viewer_channels as vc')
      .select((eb) => [
        'vc.channel_id',
        'vc.marker as last_read',
        channelUnreadMentionCount(
          db,
          args.userId,
          eb.ref('vc.channel_id'),
          eb.ref('vc.marker'),
          args.countLimit,
          eb.ref('vc.has_muted_thread'),
        ).as('mentions'),
      ])
      .orderBy('vc.channel_id'),
);
