import { type Compilable, sql } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';

/** Where a message is, and who wrote it: what the primary's activity and follows need of it. */
export interface PlacedMessage {
  readonly id: number;
  readonly channelId: number;
  readonly threadId: number | null;
  readonly authorId: number;
  readonly createdAt: number;
}

/**
 * The primary's share of posting a message into another shard: what the schema's triggers do
 * when a message is inserted into the primary itself. Its channel and thread count it and take it
 * as their last message when it is newer, its author follows its thread with it read, and each
 * mentioned member follows the thread (unless they unfollowed or muted it, as the triggers do).
 * Every statement sets values from the message, so running them twice counts it twice only in
 * `message_count`, which the drift check recomputes.
 *
 * ```sql
 * UPDATE channels SET message_count = message_count + 1,
 *   last_message_at = CASE WHEN coalesce(last_message_id, 0) < ? THEN ? ELSE last_message_at END,
 *   last_message_id = max(coalesce(last_message_id, 0), ?) WHERE id = ?;            -- and the same for threads
 * INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) VALUES (?, ?, ?);
 * UPDATE thread_follows SET last_read_message_id = ? WHERE user_id = ? AND thread_id = ? AND last_read_message_id < ?;
 * INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) VALUES (?, ?, ? - 1);  -- each mentioned member
 * ```
 */
export function activityGainedStatements(
  primary: WaddleDatabase,
  message: PlacedMessage,
  mentionedMemberIds: readonly number[],
): Compilable[] {
  const counted = (table: 'channels' | 'threads', id: number) => {
    const statement = sql`UPDATE ${sql.table(table)} SET message_count = message_count + 1,
      last_message_at = CASE WHEN coalesce(last_message_id, 0) < ${message.id} THEN ${message.createdAt} ELSE last_message_at END,
      last_message_id = max(coalesce(last_message_id, 0), ${message.id}) WHERE id = ${id}`;
    return { compile: () => statement.compile(primary.db) };
  };
  if (message.threadId === null) return [counted('channels', message.channelId)];
  const thread = message.threadId;
  return [
    counted('channels', message.channelId),
    counted('threads', thread),
    primary.db
      .insertInto('thread_follows')
      .orIgnore()
      .values({ user_id: message.authorId, thread_id: thread, last_read_message_id: message.id }),
    primary.db
      .updateTable('thread_follows')
      .set({ last_read_message_id: message.id })
      .where('user_id', '=', message.authorId)
      .where('thread_id', '=', thread)
      .where('last_read_message_id', '<', message.id),
    ...mentionedMemberIds.map((userId) =>
      primary.db
        .insertInto('thread_follows')
        .orIgnore()
        .values({ user_id: userId, thread_id: thread, last_read_message_id: message.id - 1 }),
    ),
  ];
}

/**
 * The primary's share of a message in another shard leaving its channel's and thread's activity
 * (a tombstone): one message fewer, and when it was their last message, the newest live one
 * before it (`newest`, found by the caller in the shards at or below the message's), or none.
 *
 * ```sql
 * UPDATE channels SET message_count = message_count - 1 WHERE id = ? AND message_count > 0;
 * UPDATE channels SET last_message_id = ?, last_message_at = ? WHERE id = ? AND last_message_id = ?;   -- and the same for threads
 * ```
 */
export function activityLostStatements(
  primary: WaddleDatabase,
  message: PlacedMessage,
  newest: { readonly channel: LastMessage | null; readonly thread: LastMessage | null },
): Compilable[] {
  const lost = (table: 'channels' | 'threads', id: number, last: LastMessage | null) => [
    primary.db
      .updateTable(table)
      .set((eb) => ({ message_count: eb('message_count', '-', 1) }))
      .where('id', '=', id)
      .where('message_count', '>', 0),
    primary.db
      .updateTable(table)
      .set({ last_message_id: last?.id ?? null, last_message_at: last?.createdAt ?? null })
      .where('id', '=', id)
      .where('last_message_id', '=', message.id),
  ];
  return [
    ...lost('channels', message.channelId, newest.channel),
    ...(message.threadId === null ? [] : lost('threads', message.threadId, newest.thread)),
  ];
}

/** A channel's or thread's newest live message. */
export interface LastMessage {
  readonly id: number;
  readonly createdAt: number;
}
