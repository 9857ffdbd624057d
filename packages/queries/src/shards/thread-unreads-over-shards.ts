import { sql } from 'kysely';
import { VIEWER_TARGETS, viewerTargets } from '../mentions/mentions-reaching.ts';
import { threadUnreadMentionCount } from '../mentions/unread-mention-counts.ts';
import type { ThreadUnreads } from '../threads/thread-unreads.ts';
import { unreadMessages } from '../unreads/first-unread.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';
import { boundLimit } from '../bound-limit.ts';

interface ShardThreadCounts {
  readonly thread_id: number;
  readonly unread: number | null;
  readonly mentions: number | null;
}

/**
 * `threads` as the primary counted them (`getThreadUnreads` or `getFollowedThreads` on the primary:
 * its own messages, its rows' follow state and markers), with the counts of the later shards added:
 * every later shard whose range ends above the oldest listed marker counts, in parallel (one round
 * trip), each thread's unread messages and unread mentions of the viewer after its marker, each up
 * to `cap + 1`, and the sums are capped again (more than `cap` in all exactly when the sum is, since
 * a message lives in one shard). The statement is the single database's: `unreadMessages` (live,
 * after the marker, by someone else) and `threadUnreadMentionCount` (0 in a muted thread), with the
 * viewer's roles (`roleIds`, read in the primary: a later shard has no `member_roles`) and the
 * threads' markers and mutes as JSON parameters. A thread whose counts are both capped already,
 * or whose marker is at or past its newest message, asks no shard.
 *
 * ```sql
 * WITH viewer_targets AS MATERIALIZED (<viewerTargets, roles FROM json_each(?)>)
 * SELECT k.thread_id,
 *   (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.thread_id = k.thread_id AND m.id > k.marker
 *      AND m.is_deleted = 0 AND m.user_id <> ? LIMIT CAST(? AS INTEGER))) AS unread,
 *   CASE WHEN k.muted = 1 THEN 0 ELSE (<threadUnreadMentionCount in k.thread_id after k.marker>) END AS mentions
 * FROM (SELECT json_extract(value, '$[0]') AS thread_id, json_extract(value, '$[1]') AS marker,
 *         json_extract(value, '$[2]') AS muted FROM json_each(?)) AS k
 * ```
 *
 * The author test is evaluated for every entry here (the primary skips it for a thread with a
 * follow row, where the schema keeps the marker past the author's own messages; the listed
 * thread does not say whether it has a row): the same count, at the cost of a message row
 * lookup per unread message of a later shard.
 */
export async function addLaterShardThreadCounts(
  sharded: ShardedWaddle,
  userId: number,
  roleIds: readonly number[],
  threads: readonly ThreadUnreads[],
  cap: number,
): Promise<ThreadUnreads[]> {
  const open = threads.filter(
    (thread) => (thread.lastMessageId ?? 0) > thread.lastReadMessageId && !(thread.unreadCapped && (thread.mentionsCapped || thread.muted)),
  );
  if (open.length === 0 || sharded.shards.length === 1) return [...threads];
  const oldest = Math.min(...open.map((thread) => thread.lastReadMessageId));
  const later = sharded.shards
    .slice(1)
    .filter((shard, i) => (sharded.shards[i + 2]?.firstMessageId ?? Number.POSITIVE_INFINITY) > oldest + 1);
  const perShard = await Promise.all(
    later.map((shard, i) => {
      const end = later[i + 1]?.firstMessageId ?? Number.POSITIVE_INFINITY;
      return countInShard(
        shard.waddle,
        userId,
        roleIds,
        open.filter((thread) => thread.lastReadMessageId + 1 < end),
        cap,
      );
    }),
  );
  const raw = (count: number, capped: boolean) => (capped ? cap + 1 : count);
  return threads.map((thread) => {
    let unread = raw(thread.unreadCount, thread.unreadCapped);
    let mentions = raw(thread.mentionCount, thread.mentionsCapped);
    for (const rows of perShard) {
      const row = rows.get(thread.threadId);
      unread += row?.unread ?? 0;
      mentions += row?.mentions ?? 0;
    }
    return {
      ...thread,
      unreadCount: Math.min(unread, cap),
      unreadCapped: unread > cap,
      mentionCount: Math.min(mentions, cap),
      mentionsCapped: mentions > cap,
    };
  });
}

async function countInShard(
  shard: WaddleDatabase,
  userId: number,
  roleIds: readonly number[],
  threads: readonly ThreadUnreads[],
  cap: number,
): Promise<Map<number, ShardThreadCounts>> {
  if (threads.length === 0) return new Map();
  const { db } = shard;
  const given = JSON.stringify(threads.map((thread) => [thread.threadId, thread.lastReadMessageId, thread.muted ? 1 : 0]));
  const threadId = sql<number>`k.thread_id`;
  const marker = sql<number>`k.marker`;
  const unread = unreadMessages(db, { threadId }, userId, marker)
    .select(sql.lit(1).as('one'))
    .limit(boundLimit(cap + 1));
  const rows = await db
    .with(
      (cte) => cte(VIEWER_TARGETS).materialized(),
      () => viewerTargets(db, userId, roleIds),
    )
    .selectFrom(
      db
        .selectFrom(sql<{ value: string }>`json_each(${given})`.as('given'))
        .select([
          sql<number>`json_extract(given.value, '$[0]')`.as('thread_id'),
          sql<number>`json_extract(given.value, '$[1]')`.as('marker'),
          sql<number>`json_extract(given.value, '$[2]')`.as('muted'),
        ])
        .as('k'),
    )
    .select((eb) => [
      'k.thread_id',
      eb
        .selectFrom(unread.as('unread'))
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .$asScalar()
        .as('unread'),
      threadUnreadMentionCount(db, userId, threadId, marker, cap + 1, sql`k.muted = 1`).as('mentions'),
    ])
    .execute();
  return new Map(rows.map((row) => [row.thread_id, row]));
}
