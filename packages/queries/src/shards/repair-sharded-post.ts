import { findShardedActivityDrift, repairShardedActivityDrift, type ShardedDrift } from './sharded-activity-drift.ts';
import { findShardedFollowDrift } from './sharded-follow-drift.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';

/** The post whose second step failed: where it is. */
export interface UnrecordedPost {
  readonly id: number;
  readonly channelId: number;
  readonly threadId: number | null;
}

/**
 * The drift check of one post whose second step failed (`activityRecorded: false`), run right
 * after it instead of waiting for the periodic pass (docs/message-shards.md, section 3): the
 * counters of its channel and thread (`findShardedActivityDrift` on a slice of one row each: one
 * statement in the primary and one per later shard, in parallel), and the follows its shard's
 * triggers wrote for it, its author's and each mentioned member's (`findShardedFollowDrift` on the
 * range of that one message: two statements), then the repair of what they found
 * (`repairShardedActivityDrift`: compare-and-set counters, follows created as the triggers would
 * have). Bounded: one channel, one thread, one message. Idempotent like the pass; a repair that
 * fails too (the primary still unreachable) throws, and the periodic pass still finds the same
 * drift. Returns how many rows it wrote.
 *
 * ```sql
 * -- activityDriftQuery('channel', channelId - 1, 1) and ('thread', threadId - 1, 1) in the primary; in each later shard
 * select "id", "message_count", "last_message_id", "last_message_at" from "channels" where "id" in (?)   -- and "threads"
 * -- findShardedFollowDrift over ids (id - 1, id] of the message's shard; then the repairs
 * ```
 *
 * @example
 * ```ts
 * if (!posted.activityRecorded) ctx.waitUntil(repairShardedPost(sharded, { id: posted.id, channelId: 1, threadId: 7 }));
 * ```
 */
export async function repairShardedPost(sharded: ShardedWaddle, post: UnrecordedPost): Promise<number> {
  const rows = [
    { kind: 'channel' as const, id: post.channelId },
    ...(post.threadId === null ? [] : [{ kind: 'thread' as const, id: post.threadId }]),
  ];
  const [counters, follows] = await Promise.all([
    Promise.all(
      rows.map(async (row) => {
        const scan = await findShardedActivityDrift(sharded, { after: { kind: row.kind, id: row.id - 1 }, limit: 1 });
        return scan.drift.filter((d) => d.kind === row.kind && d.id === row.id);
      }),
    ),
    findShardedFollowDrift(sharded, shardIndexOf(sharded, post.id), { afterId: post.id - 1, throughId: post.id }),
  ]);
  const drift: ShardedDrift[] = [...counters.flat(), ...follows];
  return drift.length === 0 ? 0 : repairShardedActivityDrift(sharded, drift);
}
