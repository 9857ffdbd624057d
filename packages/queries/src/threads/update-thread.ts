import type { WaddleDatabase } from '../waddle-database.ts';
import type { ThreadRow } from './thread-row.ts';

/** What {@link updateThread} changes; `null` or absent keeps a column as it is. */
export interface ThreadChanges {
  readonly title?: string | null;
  readonly is_locked?: 0 | 1 | null;
  /** Moves the thread to this channel; the `threads_move_messages` trigger carries its messages (in this database). */
  readonly channel_id?: number | null;
}

/**
 * Renames, locks or unlocks a thread, or moves it to another channel (`null` or absent keeps a
 * column as it is), in one statement, and returns the row; `undefined` when there is no such
 * thread. A title taken in the (new) channel throws as in `createThread`, changing nothing. Over
 * message shards, a move goes through `moveShardedThread`, which runs this in the primary first.
 *
 * ```sql
 * UPDATE threads SET title = coalesce(?, title), is_locked = coalesce(?, is_locked), channel_id = coalesce(?, channel_id)
 * WHERE id = ? RETURNING *
 * ```
 */
export function updateThread(waddle: WaddleDatabase, threadId: number, changes: ThreadChanges): Promise<ThreadRow | undefined> {
  return waddle.db
    .updateTable('threads')
    .set((eb) => ({
      title: eb.fn.coalesce(eb.val(changes.title ?? null), eb.ref('title')),
      is_locked: eb.fn.coalesce(eb.val(changes.is_locked ?? null), eb.ref('is_locked')),
      channel_id: eb.fn.coalesce(eb.val(changes.channel_id ?? null), eb.ref('channel_id')),
    }))
    .where('id', '=', threadId)
    .returningAll()
    .executeTakeFirst();
}
