import type { WaddleDatabase } from '../waddle-database.ts';
import type { ThreadRow } from './thread-row.ts';

/**
 * Renames, locks or unlocks a thread (`null` or absent keeps a column as it is) and returns the
 * row; `undefined` when there is no such thread. A title taken in the channel throws as in
 * `createThread`.
 *
 * ```sql
 * UPDATE threads SET title = coalesce(?, title), is_locked = coalesce(?, is_locked) WHERE id = ? RETURNING *
 * ```
 */
export function updateThread(
  waddle: WaddleDatabase,
  threadId: number,
  changes: { readonly title?: string | null; readonly is_locked?: 0 | 1 | null },
): Promise<ThreadRow | undefined> {
  return waddle.db
    .updateTable('threads')
    .set((eb) => ({
      title: eb.fn.coalesce(eb.val(changes.title ?? null), eb.ref('title')),
      is_locked: eb.fn.coalesce(eb.val(changes.is_locked ?? null), eb.ref('is_locked')),
    }))
    .where('id', '=', threadId)
    .returningAll()
    .executeTakeFirst();
}
