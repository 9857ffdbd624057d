import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Deletes a message by leaving a tombstone: the row keeps its id, channel, thread, author and
 * time (so cursors and reply references stay valid and pages show a placeholder), while its
 * content, metadata and pin are cleared. The schema's triggers take it out of the search index at
 * once, erase its edit history, reactions and attachments, and remove it from the activity of its
 * thread and channel. Returns `false` when there was no live message with this id.
 *
 * ```sql
 * UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0 WHERE id = ? AND is_deleted = 0;
 * ```
 */
export async function deleteMessage(waddle: WaddleDatabase, messageId: number): Promise<boolean> {
  const result = await waddle.db
    .updateTable('messages')
    .set({ is_deleted: 1, content: null, metadata: null, is_pinned: 0 })
    .where('id', '=', messageId)
    .where('is_deleted', '=', 0)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
