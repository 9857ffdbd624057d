import { sql } from 'kysely';
import type { ThreadRow } from '../threads/thread-row.ts';
import { type ThreadChanges, updateThread } from '../threads/update-thread.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { findShardedActivityDrift, repairShardedActivityDrift } from './sharded-activity-drift.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/** How often one shard's step is tried within one call before the call reports it unmoved. */
const ATTEMPTS_PER_SHARD = 3;

/** What {@link moveShardedThread} did. */
export interface ShardedThreadMove {
  /** The thread as the primary holds it now; `undefined` when there is no such thread (nothing written). */
  readonly thread: ThreadRow | undefined;
  /**
   * Indexes in `sharded.shards` of the later shards whose step failed on every attempt: their
   * messages of the thread are still in the old channel there. Call again with the same move to
   * finish it (idempotent). Empty when every shard agrees with the primary.
   */
  readonly unmovedShards: readonly number[];
}

/**
 * Moves a thread to another channel over message shards (docs/message-shards.md, section 2), with
 * the thread's other `changes` (title, lock) in the same first statement:
 *
 * 1. **the primary**: `updateThread` with `channel_id` (one statement: a title taken in the new
 *    channel, or no such thread, leaves every database as it was); the `threads_move_messages`
 *    trigger carries the primary's own messages of the thread.
 * 2. **every later shard**, in parallel: where the shard holds the thread's skeleton, the new
 *    channel's skeleton (the foreign key of its messages) and the skeleton thread's `channel_id`,
 *    in one batch; the same trigger then carries that shard's messages. A shard without the
 *    skeleton has no message of the thread and changes nothing. A failed shard is tried again, up
 *    to three times in all.
 * 3. **the counters** of the old and the new channel in the primary are set to the sum of the
 *    shards' shares (`findShardedActivityDrift` and `repairShardedActivityDrift` on those rows):
 *    the primary's trigger moved only the primary's own messages' share. The old channel is the
 *    primary's before the call and, on a call completing an earlier one, each shard's skeleton's.
 *
 * Idempotent: every step sets values (the skeleton thread is updated only where its channel
 * differs). When step 2 fails for a shard, the thread is in its new channel in the primary (its
 * permissions apply, active threads list it there) while that shard's messages of it still page
 * under the old channel, and the two channels' counters are those of where the messages are;
 * `unmovedShards` names the shard and calling again with the same move completes it. A waddle of
 * one shard is `updateThread` alone (the triggers do the rest in one statement).
 *
 * ```sql
 * UPDATE threads SET title = coalesce(?, title), is_locked = coalesce(?, is_locked), channel_id = coalesce(?, channel_id)
 * WHERE id = ? RETURNING *;                                                                        -- the primary
 * select "channel_id" from "threads" where "id" = ?;                                                -- each later shard, one batch:
 * INSERT INTO channels (id, name, created_by) SELECT ?, ?, 0
 *   WHERE EXISTS (SELECT 1 FROM threads WHERE id = ?) ON CONFLICT DO NOTHING;
 * update "threads" set "channel_id" = ? where "id" = ? and "channel_id" != ?;
 * -- then, for each old channel and the new one: findShardedActivityDrift (one channel) and its repair
 * ```
 */
export async function moveShardedThread(
  sharded: ShardedWaddle,
  threadId: number,
  changes: ThreadChanges & { readonly channel_id: number },
): Promise<ShardedThreadMove> {
  const before = await sharded.primary.db.selectFrom('threads').select('channel_id').where('id', '=', threadId).executeTakeFirst();
  const thread = await updateThread(sharded.primary, threadId, changes);
  if (!thread || !before || sharded.shards.length === 1) return { thread, unmovedShards: [] };

  const outcomes = await Promise.all(sharded.shards.slice(1).map(({ waddle }) => moveInShard(waddle, threadId, thread.channel_id)));
  // The channels whose counters changed: the primary's old one and, on a call that completes an
  // earlier one, the old channel each shard's skeleton still had.
  const channelIds = new Set([before.channel_id, thread.channel_id]);
  for (const outcome of outcomes) if (outcome !== 'failed' && outcome !== null) channelIds.add(outcome);
  for (const channelId of channelIds) {
    const { drift } = await findShardedActivityDrift(sharded, { after: { kind: 'channel', id: channelId - 1 }, limit: 1 });
    await repairShardedActivityDrift(
      sharded,
      drift.filter((d) => d.kind === 'channel' && d.id === channelId),
    );
  }
  return { thread, unmovedShards: outcomes.flatMap((outcome, i) => (outcome === 'failed' ? [i + 1] : [])) };
}

/**
 * Step 2 in one shard, tried up to {@link ATTEMPTS_PER_SHARD} times: the channel the shard's
 * skeleton thread was in before (`null` without a skeleton), or `'failed'`.
 */
async function moveInShard(shard: WaddleDatabase, threadId: number, channelId: number): Promise<number | null | 'failed'> {
  const was = shard.db.selectFrom('threads').select('channel_id').where('id', '=', threadId);
  const skeleton = sql`INSERT INTO channels (id, name, created_by) SELECT ${channelId}, ${`#${channelId}`}, 0
    WHERE EXISTS (SELECT 1 FROM threads WHERE id = ${threadId}) ON CONFLICT DO NOTHING`;
  const move = shard.db
    .updateTable('threads')
    .set({ channel_id: channelId })
    .where('id', '=', threadId)
    .where('channel_id', '!=', channelId);
  for (let attempt = 1; attempt <= ATTEMPTS_PER_SHARD; attempt++) {
    try {
      const [before] = await runBatch(shard, [was, { compile: () => skeleton.compile(shard.db) }, move]);
      return before.results[0]?.channel_id ?? null;
    } catch {
      // Tried again; after the last attempt the caller reports the shard as unmoved.
    }
  }
  return 'failed';
}
