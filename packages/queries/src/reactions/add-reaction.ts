import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Adds a user's reaction to a message; reacting twice with the same emoji changes nothing.
 *
 * ```sql
 * INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
 * ```
 */
export async function addReaction(
  waddle: WaddleDatabase,
  reaction: { readonly messageId: number; readonly emoji: string; readonly userId: number; readonly createdAt: number },
): Promise<void> {
  await waddle.db
    .insertInto('reactions')
    .values({ message_id: reaction.messageId, emoji: reaction.emoji, user_id: reaction.userId, created_at: reaction.createdAt })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
