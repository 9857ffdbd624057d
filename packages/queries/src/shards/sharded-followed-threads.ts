import { InvalidQueryError } from '../invalid-query-error.ts';
import { requireCap } from '../mentions/unread-mention-counts.ts';
import { type FollowedThreadsOptions, type FollowedThreadsPage, getFollowedThreads } from '../threads/followed-threads.ts';
import { readPrimaryMentionViewer } from './primary-mention-viewer.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';
import { addLaterShardThreadCounts } from './thread-unreads-over-shards.ts';

/**
 * {@link getFollowedThreads} over a waddle whose messages span shards: the same page, order,
 * cursor and capped counts one database holding the same messages gives. The list, its order
 * and `onlyUnread` come from the primary's rows (the follows, and each thread's activity, which
 * counts every shard's messages: `postShardedMessage`), so `getFollowedThreads` on the primary
 * chooses the page and counts the primary's own messages, in parallel with the viewer's roles now
 * (`readPrimaryMentionViewer`; one round trip); then every later shard above the oldest listed
 * marker adds each listed thread's unread and mention counts, in parallel (one round trip,
 * `addLaterShardThreadCounts`):
 *
 * ```sql
 * <followedThreadsQuery>;                                                                  -- primary
 * SELECT (SELECT json_group_array(role_id) FROM member_roles WHERE user_id = ?) AS role_ids, … ;   -- primary
 * WITH viewer_targets AS MATERIALIZED (…) SELECT k.thread_id, (<unread>) AS unread, (<mentions>) AS mentions FROM (…json_each(?)…) AS k;   -- later shards
 * ```
 *
 * Two round trips where one database takes one; a waddle of one shard is served by
 * {@link getFollowedThreads} itself.
 *
 * @example
 * ```ts
 * const { threads, nextCursor } = await getShardedFollowedThreads(access.sharded, { userId: 42, visibleChannelIds: [1, 2], onlyUnread: true });
 * ```
 */
export async function getShardedFollowedThreads(sharded: ShardedWaddle, options: FollowedThreadsOptions): Promise<FollowedThreadsPage> {
  if (sharded.shards.length === 1) return getFollowedThreads(sharded.primary, options);
  const limit = options.limit ?? 50;
  const cap = options.cap ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidQueryError('limit', 'must be an integer from 1 to 100');
  requireCap(cap);
  const [page, viewer] = await Promise.all([
    getFollowedThreads(sharded.primary, options),
    readPrimaryMentionViewer(sharded.primary, options.userId, []),
  ]);
  return {
    threads: await addLaterShardThreadCounts(sharded, options.userId, viewer.roleIds, page.threads, cap),
    nextCursor: page.nextCursor,
  };
}
