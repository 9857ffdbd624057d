import { sql } from 'kysely';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';

/**
 * Moves a user's read marker in a thread forward to `messageId` (clamped to the thread's newest
 * message, or to `newestMessageId` when the caller found it, as `markShardedThreadRead` does
 * across message shards), in one batch with reading it back. It never moves backwards: an older message, or a
 * stale request arriving late, changes nothing. The marker belongs to the user's row for the
 * thread (followed, muted or unfollowed); for a thread they never had one, nothing is recorded and
 * `null` is returned (its messages are read against the channel's marker). Returns the marker now
 * stored.
 *
 * ```sql
 * UPDATE thread_follows SET last_read_message_id = min(?, coalesce((SELECT max(id) FROM messages WHERE thread_id = ?), 0))
 * WHERE user_id = ? AND thread_id = ? AND last_read_message_id < min(?, coalesce((SELECT max(id) FROM messages WHERE thread_id = ?), 0));
 * SELECT last_read_message_id FROM thread_follows WHERE user_id = ? AND thread_id = ?;
 * ```
 *
 * @example
 * ```ts
 * const marker = await markThreadRead(waddle, { userId: 42, threadId: 7, messageId: 1234 });
 * ```
 */
export async function markThreadRead(
  waddle: WaddleDatabase,
  read: { readonly userId: number; readonly threadId: number; readonly messageId: number; readonly newestMessageId?: number },
): Promise<number | null> {
  const newest = waddle.db
    .selectFrom('messages')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('thread_id', '=', read.threadId);
  const target =
    read.newestMessageId === undefined
      ? sql<number>`min(${read.messageId}, coalesce((${newest}), 0))`
      : sql<number>`min(${read.messageId}, ${read.newestMessageId})`;
  const update = waddle.db
    .updateTable('thread_follows')
    .set({ last_read_message_id: target })
    .where('user_id', '=', read.userId)
    .where('thread_id', '=', read.threadId)
    .where('last_read_message_id', '<', target);
  const state = waddle.db
    .selectFrom('thread_follows')
    .select('last_read_message_id')
    .where('user_id', '=', read.userId)
    .where('thread_id', '=', read.threadId);
  const [, stored] = await runBatch(waddle, [update, state]);
  const row = stored!.results[0] as { last_read_message_id: number } | undefined;
  return row?.last_read_message_id ?? null;
}
