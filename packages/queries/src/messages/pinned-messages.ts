import type { DB, Messages } from '@waddle/waddle-schema/database';
import type { Kysely, Selectable } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';
import { boundLimit } from '../bound-limit.ts';

/** A pinned message as listed. */
export type PinnedMessage = Pick<Selectable<Messages>, 'id' | 'thread_id' | 'user_id' | 'content' | 'created_at' | 'edited_at'>;

/**
 * The pinned messages of a channel, newest first, at most 100.
 *
 * ```sql
 * SELECT id, thread_id, user_id, content, created_at, edited_at FROM messages
 * WHERE channel_id = ? AND is_pinned = 1 ORDER BY id DESC LIMIT 100   -- index messages_pinned
 * ```
 */
export function pinnedMessages(waddle: WaddleDatabase, channelId: number): Promise<PinnedMessage[]> {
  return pinnedMessagesQuery(waddle.db, channelId).execute();
}

/** The query of {@link pinnedMessages}, exported so a test can hold it against `EXPLAIN QUERY PLAN`. */
export function pinnedMessagesQuery(db: Kysely<DB>, channelId: number) {
  return (
    db
      .selectFrom('messages')
      .select(['id', 'thread_id', 'user_id', 'content', 'created_at', 'edited_at'])
      .where('channel_id', '=', channelId)
      // The literal 1 (not a bound parameter) lets SQLite use the partial index messages_pinned (`WHERE is_pinned = 1`).
      .where('is_pinned', '=', (eb) => eb.lit(1))
      .orderBy('id', 'desc')
      .limit(boundLimit(100))
  );
}
