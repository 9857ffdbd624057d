import { deleteMessage } from '../messages/delete-message.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { activityLostStatements, type LastMessage } from './primary-activity.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';
import { boundLimit } from '../bound-limit.ts';

/**
 * Deletes a message of a sharded waddle, wherever its shard (sealed shards included), leaving a
 * tombstone as {@link deleteMessage} does; the shard's triggers clear its index entry, edits,
 * reactions, attachments and mentions. In the primary that is all. In a later shard the primary's
 * activity is then corrected in a second batch: one message fewer, and when it was the channel's
 * or thread's last message, the newest live one before it (looked for from its shard down, in
 * parallel for the channel and the thread, and used only if the deleted one was the last):
 *
 * ```sql
 * UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0 WHERE id = ? AND is_deleted = 0;   -- its shard
 * SELECT id, created_at FROM messages WHERE channel_id = ? AND is_deleted = 0 ORDER BY id DESC LIMIT 1;               -- per shard, until found
 * UPDATE channels SET message_count = message_count - 1 …; UPDATE channels SET last_message_id = ?, … WHERE last_message_id = ?; -- the primary
 * ```
 *
 * Returns `false` when there was no live message with this id. A failure after the tombstone
 * leaves the message deleted with the primary's counters lagging until the drift check repairs them.
 */
export async function deleteShardedMessage(sharded: ShardedWaddle, messageId: number): Promise<boolean> {
  const index = shardIndexOf(sharded, messageId);
  const shard = sharded.shards[index]!.waddle;
  if (shard === sharded.primary) return deleteMessage(shard, messageId);
  const message = await shard.db
    .selectFrom('messages')
    .select(['id', 'channel_id', 'thread_id', 'user_id', 'created_at'])
    .where('id', '=', messageId)
    .where('is_deleted', '=', 0)
    .executeTakeFirst();
  if (!message || !(await deleteMessage(shard, messageId))) return false;
  const lower = sharded.shards.slice(0, index + 1).map((s) => s.waddle);
  const [channel, thread] = await Promise.all([
    newestLiveBefore(lower, 'channel_id', message.channel_id, messageId),
    message.thread_id === null ? null : newestLiveBefore(lower, 'thread_id', message.thread_id, messageId),
  ]);
  const placed = {
    id: message.id,
    channelId: message.channel_id,
    threadId: message.thread_id,
    authorId: message.user_id,
    createdAt: message.created_at,
  };
  await runBatch(sharded.primary, activityLostStatements(sharded.primary, placed, { channel, thread }));
  return true;
}

/** The newest live message of a channel or thread below `before`, in the given shards (oldest first), newest shard first. */
async function newestLiveBefore(
  shards: readonly WaddleDatabase[],
  column: 'channel_id' | 'thread_id',
  id: number,
  before: number,
): Promise<LastMessage | null> {
  for (const shard of [...shards].reverse()) {
    const row = await shard.db
      .selectFrom('messages')
      .select(['id', 'created_at'])
      .where(column, '=', id)
      .where('is_deleted', '=', 0)
      .where('id', '<', before)
      .orderBy('id', 'desc')
      .limit(boundLimit(1))
      .executeTakeFirst();
    if (row) return { id: row.id, createdAt: row.created_at };
  }
  return null;
}
