import { type PinnedMessage, pinnedMessages } from '../messages/pinned-messages.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * {@link pinnedMessages} over a waddle whose messages span shards: every shard's pinned messages
 * of the channel, read in parallel (one round trip), newest first, at most 100 in all. Each shard
 * runs the single-database statement (index `messages_pinned`):
 *
 * ```sql
 * SELECT id, thread_id, user_id, content, created_at, edited_at FROM messages
 * WHERE channel_id = ? AND is_pinned = 1 ORDER BY id DESC LIMIT 100
 * ```
 *
 * A waddle of one shard is served by `pinnedMessages` itself.
 */
export async function shardedPinnedMessages(sharded: ShardedWaddle, channelId: number): Promise<PinnedMessage[]> {
  if (sharded.shards.length === 1) return pinnedMessages(sharded.primary, channelId);
  const perShard = await Promise.all(sharded.shards.map(({ waddle }) => pinnedMessages(waddle, channelId)));
  return perShard
    .flat()
    .sort((a, b) => b.id - a.id)
    .slice(0, 100);
}
