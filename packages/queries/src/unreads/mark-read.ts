import { sql } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Moves a user's read marker in a channel forward to `messageId` (clamped to the channel's newest
 * message). It never moves backwards: marking an older message read, or a stale request arriving
 * late, changes nothing. Returns the marker now stored.
 *
 * ```sql
 * INSERT INTO read_states (user_id, channel_id, last_read_message_id, updated_at)
 *   VALUES (?, ?, min(?, coalesce((SELECT max(id) FROM messages WHERE channel_id = ?), 0)), ?)
 * ON CONFLICT (user_id, channel_id) DO UPDATE
 *   SET last_read_message_id = excluded.last_read_message_id, updated_at = excluded.updated_at
 *   WHERE excluded.last_read_message_id > read_states.last_read_message_id
 * RETURNING last_read_message_id;
 * ```
 */
export async function markRead(
  waddle: WaddleDatabase,
  read: {
    readonly userId: number;
    readonly channelId: number;
    readonly messageId: number;
    readonly at: number;
    /**
     * The channel's newest message id when its messages are not all in this database (a sharded
     * waddle's primary: see `markShardedRead`); the clamp then uses it instead of the subquery.
     */
    readonly newestMessageId?: number;
  },
): Promise<number> {
  const newest =
    read.newestMessageId === undefined
      ? waddle.db
          .selectFrom('messages')
          .select((eb) => eb.fn.max('id').as('id'))
          .where('channel_id', '=', read.channelId)
      : sql<number>`${read.newestMessageId}`;
  await waddle.db
    .insertInto('read_states')
    .values({
      user_id: read.userId,
      channel_id: read.channelId,
      last_read_message_id: sql<number>`min(${read.messageId}, coalesce((${newest}), 0))`,
      updated_at: read.at,
    })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'channel_id'])
        .doUpdateSet((eb) => ({
          last_read_message_id: eb.ref('excluded.last_read_message_id'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('excluded.last_read_message_id', '>', (eb) => eb.ref('read_states.last_read_message_id')),
    )
    .execute();
  const state = await waddle.db
    .selectFrom('read_states')
    .select('last_read_message_id')
    .where('user_id', '=', read.userId)
    .where('channel_id', '=', read.channelId)
    .executeTakeFirstOrThrow();
  return state.last_read_message_id;
}
