import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Pins or unpins a live message (a tombstone stays unpinned).
 *
 * ```sql
 * UPDATE messages SET is_pinned = ? WHERE id = ? AND is_deleted = 0
 * ```
 */
export async function setPinned(waddle: WaddleDatabase, messageId: number, pinned: boolean): Promise<void> {
  await waddle.db
    .updateTable('messages')
    .set({ is_pinned: pinned ? 1 : 0 })
    .where('id', '=', messageId)
    .where('is_deleted', '=', (eb) => eb.lit(0))
    .execute();
}
