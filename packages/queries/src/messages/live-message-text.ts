import type { Messages } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * A live (not deleted) message's text and the time of its last edit; `undefined` for a deleted
 * or unknown message.
 *
 * ```sql
 * SELECT content, edited_at FROM messages WHERE id = ? AND is_deleted = 0
 * ```
 */
export function liveMessageText(
  waddle: WaddleDatabase,
  messageId: number,
): Promise<Pick<Selectable<Messages>, 'content' | 'edited_at'> | undefined> {
  return waddle.db
    .selectFrom('messages')
    .select(['content', 'edited_at'])
    .where('id', '=', messageId)
    .where('is_deleted', '=', (eb) => eb.lit(0))
    .executeTakeFirst();
}
