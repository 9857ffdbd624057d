import type { WaddleDatabase } from '../waddle-database.ts';
import type { ThreadRow } from './thread-row.ts';

/**
 * Starts a thread in a channel and returns its row. A title already used in the channel
 * (whatever its case) is refused by the schema's unique index: D1 throws
 * `UNIQUE constraint failed: threads.…`, and nothing is written.
 *
 * ```sql
 * INSERT INTO threads (channel_id, title, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING *
 * ```
 */
export function createThread(
  waddle: WaddleDatabase,
  thread: { readonly channelId: number; readonly title: string; readonly createdBy: number; readonly createdAt: number },
): Promise<ThreadRow> {
  return waddle.db
    .insertInto('threads')
    .values({ channel_id: thread.channelId, title: thread.title, created_by: thread.createdBy, created_at: thread.createdAt })
    .returningAll()
    .executeTakeFirstOrThrow();
}
