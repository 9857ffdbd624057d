import { markThreadRead } from '../threads/mark-thread-read.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * {@link markThreadRead} over a waddle whose messages span shards: the marker lives in the
 * primary's `thread_follows` and is clamped to the thread's newest message in any shard, looked
 * for from the newest shard down (usually one statement), then stored as `markThreadRead` does
 * (forward only; `null` for a thread the user never had a row for):
 *
 * ```sql
 * SELECT max(id) AS id FROM messages WHERE thread_id = ?;   -- per shard, newest first, until one has a message of the thread
 * UPDATE thread_follows SET last_read_message_id = min(?, <that id>) WHERE user_id = ? AND thread_id = ? AND last_read_message_id < min(?, <that id>);
 * SELECT last_read_message_id FROM thread_follows WHERE user_id = ? AND thread_id = ?;
 * ```
 *
 * A waddle of one shard is served by `markThreadRead` itself. Returns the marker now stored.
 *
 * @example
 * ```ts
 * const marker = await markShardedThreadRead(access.sharded, { userId: 42, threadId: 7, messageId: 1234 });
 * ```
 */
export async function markShardedThreadRead(
  sharded: ShardedWaddle,
  read: { readonly userId: number; readonly threadId: number; readonly messageId: number },
): Promise<number | null> {
  if (sharded.shards.length === 1) return markThreadRead(sharded.primary, read);
  let newestMessageId = 0;
  for (const { waddle } of [...sharded.shards].reverse()) {
    const row = await waddle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('thread_id', '=', read.threadId)
      .executeTakeFirst();
    if (row?.id != null) {
      newestMessageId = row.id;
      break;
    }
  }
  return markThreadRead(sharded.primary, { ...read, newestMessageId });
}
