import { requireCap } from '../mentions/unread-mention-counts.ts';
import { getThreadUnreads, type ThreadUnreads } from '../threads/thread-unreads.ts';
import { readPrimaryMentionViewer } from './primary-mention-viewer.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';
import { addLaterShardThreadCounts } from './thread-unreads-over-shards.ts';

/**
 * {@link getThreadUnreads} over a waddle whose messages span shards: the same follow state,
 * markers and capped counts one database holding the same messages gives. In the primary, in
 * parallel (one round trip): `getThreadUnreads` itself (the threads, the viewer's rows and the
 * primary's own messages' counts) and the viewer's roles now (`readPrimaryMentionViewer`); then
 * every later shard above the oldest marker adds its counts, in parallel (one round trip,
 * `addLaterShardThreadCounts`):
 *
 * ```sql
 * <threadUnreadsQuery> WHERE t.id IN (SELECT value FROM json_each(?)) AND t.channel_id IN (SELECT value FROM json_each(?));   -- primary
 * SELECT (SELECT json_group_array(role_id) FROM member_roles WHERE user_id = ?) AS role_ids, … ;                             -- primary
 * WITH viewer_targets AS MATERIALIZED (…) SELECT k.thread_id, (<unread>) AS unread, (<mentions>) AS mentions FROM (…json_each(?)…) AS k;   -- later shards
 * ```
 *
 * Two round trips where one database takes one; a waddle of one shard is served by
 * {@link getThreadUnreads} itself.
 *
 * @example
 * ```ts
 * const [thread] = await getShardedThreadUnreads(access.sharded, { userId: 42, threadIds: [7], visibleChannelIds: [1, 2] });
 * ```
 */
export async function getShardedThreadUnreads(
  sharded: ShardedWaddle,
  options: {
    readonly userId: number;
    readonly threadIds: readonly number[];
    readonly visibleChannelIds: readonly number[];
    readonly cap?: number;
  },
): Promise<ThreadUnreads[]> {
  if (sharded.shards.length === 1) return getThreadUnreads(sharded.primary, options);
  const cap = options.cap ?? 100;
  requireCap(cap);
  const [threads, viewer] = await Promise.all([
    getThreadUnreads(sharded.primary, options),
    readPrimaryMentionViewer(sharded.primary, options.userId, []),
  ]);
  return addLaterShardThreadCounts(sharded, options.userId, viewer.roleIds, threads, cap);
}
