import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Removes a user's reaction from a message. Returns whether they had reacted so.
 *
 * ```sql
 * DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING message_id
 * ```
 */
export async function removeReaction(
  waddle: WaddleDatabase,
  reaction: { readonly messageId: number; readonly emoji: string; readonly userId: number },
): Promise<boolean> {
  const removed = await waddle.db
    .deleteFrom('reactions')
    .where('message_id', '=', reaction.messageId)
    .where('emoji', '=', reaction.emoji)
    .where('user_id', '=', reaction.userId)
    .returning('message_id')
    .executeTakeFirst();
  return removed !== undefined;
}
