import { markRead } from '../unreads/mark-read.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * {@link markRead} over a waddle whose messages span shards: the marker lives in the primary and
 * is clamped to the channel's newest message in any shard, looked for from the newest shard down
 * (usually one statement), then stored as `markRead` does:
 *
 * ```sql
 * SELECT max(id) AS id FROM messages WHERE channel_id = ?;   -- per shard, newest first, until one has a message of the channel
 * INSERT INTO read_states … VALUES (?, ?, min(?, <that id>), ?) ON CONFLICT … DO UPDATE … WHERE excluded.last_read_message_id > read_states.last_read_message_id;
 * ```
 *
 * A waddle of one shard is served by `markRead` itself. Returns the marker now stored.
 */
export async function markShardedRead(
  sharded: ShardedWaddle,
  read: { readonly userId: number; readonly channelId: number; readonly messageId: number; readonly at: number },
): Promise<number> {
  if (sharded.shards.length === 1) return markRead(sharded.primary, read);
  let newestMessageId = 0;
  for (const { waddle } of [...sharded.shards].reverse()) {
    const row = await waddle.db
      .selectFrom('messages')
      .select((eb) => eb.fn.max('id').as('id'))
      .where('channel_id', '=', read.channelId)
      .executeTakeFirst();
    if (row?.id != null) {
      newestMessageId = row.id;
      break;
    }
  }
  return markRead(sharded.primary, { ...read, newestMessageId });
}
