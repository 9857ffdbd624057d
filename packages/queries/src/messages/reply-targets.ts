import type { Messages, Threads } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';

/** What a new message points at: the thread it goes into, the message it replies to (each undefined when not found). */
export interface ReplyTargets {
  readonly thread?: Pick<Selectable<Threads>, 'id' | 'channel_id' | 'is_locked'>;
  readonly repliedTo?: Pick<Selectable<Messages>, 'id' | 'channel_id' | 'is_deleted'>;
}

/**
 * Reads the thread a message is posted into and the message it replies to, in one `batch()` (one
 * round trip). An absent id looks up id 0, which no row has.
 *
 * ```sql
 * SELECT id, channel_id, is_locked FROM threads WHERE id = ?;
 * SELECT id, channel_id, is_deleted FROM messages WHERE id = ?;
 * ```
 */
export async function readReplyTargets(
  waddle: WaddleDatabase,
  targets: { readonly threadId: number | null; readonly replyToId: number | null },
): Promise<ReplyTargets> {
  const [threads, replies] = await runBatch(waddle, [
    waddle.db
      .selectFrom('threads')
      .select(['id', 'channel_id', 'is_locked'])
      .where('id', '=', targets.threadId ?? 0),
    waddle.db
      .selectFrom('messages')
      .select(['id', 'channel_id', 'is_deleted'])
      .where('id', '=', targets.replyToId ?? 0),
  ]);
  return { thread: threads.results[0], repliedTo: replies.results[0] };
}
