import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Keeps the denormalized activity of threads and channels (message_count, last_message_id,
 * last_message_at) equal to what `messages` says, in the same statement as every write that
 * changes it: insert, tombstone, hard delete, and a move to another thread or channel.
 * A tombstoned message does not count. When the last message leaves, the previous live one is
 * found through the `(thread_id, id)` / `(channel_id, id)` index, never by a scan.
 *
 * Moving a thread to another channel is one statement (`UPDATE threads SET channel_id = ?`): a
 * trigger carries its messages along, and their activity follows.
 */
export const maintainActivity: Migration = {
  name: '0013_maintain_activity',
  up: () => [
    sql`CREATE TRIGGER messages_activity_after_insert AFTER INSERT ON messages
      WHEN new.is_deleted = 0
      BEGIN
        ${activityGained('threads', 'thread_id')}
        ${activityGained('channels', 'channel_id')}
      END`,
    sql`CREATE TRIGGER messages_activity_after_delete AFTER DELETE ON messages
      WHEN old.is_deleted = 0
      BEGIN
        ${activityLost('threads', 'thread_id')}
        ${activityLost('channels', 'channel_id')}
      END`,
    sql`CREATE TRIGGER messages_activity_after_update AFTER UPDATE OF channel_id, thread_id, is_deleted ON messages
      WHEN old.channel_id IS NOT new.channel_id OR old.thread_id IS NOT new.thread_id OR old.is_deleted IS NOT new.is_deleted
      BEGIN
        ${activityLost('threads', 'thread_id', sql`AND old.is_deleted = 0`)}
        ${activityLost('channels', 'channel_id', sql`AND old.is_deleted = 0`)}
        ${activityGained('threads', 'thread_id', sql`AND new.is_deleted = 0`)}
        ${activityGained('channels', 'channel_id', sql`AND new.is_deleted = 0`)}
      END`,
    sql`CREATE TRIGGER threads_move_messages AFTER UPDATE OF channel_id ON threads
      WHEN old.channel_id IS NOT new.channel_id
      BEGIN
        UPDATE messages SET channel_id = new.channel_id WHERE thread_id = new.id;
      END`,
  ],
  down: () => [
    sql`DROP TRIGGER threads_move_messages`,
    sql`DROP TRIGGER messages_activity_after_update`,
    sql`DROP TRIGGER messages_activity_after_delete`,
    sql`DROP TRIGGER messages_activity_after_insert`,
  ],
};

/** The message `new` now counts in its thread or channel. */
function activityGained(table: 'threads' | 'channels', key: 'thread_id' | 'channel_id', guard = sql``) {
  const t = sql.raw(table);
  const k = sql.raw(key);
  return sql`
        UPDATE ${t} SET message_count = message_count + 1 WHERE id = new.${k} ${guard};
        UPDATE ${t} SET last_message_id = new.id, last_message_at = new.created_at
          WHERE id = new.${k} AND (last_message_id IS NULL OR last_message_id < new.id) ${guard};`;
}

/** The message `old` no longer counts in its former thread or channel. */
function activityLost(table: 'threads' | 'channels', key: 'thread_id' | 'channel_id', guard = sql``) {
  const t = sql.raw(table);
  const k = sql.raw(key);
  return sql`
        UPDATE ${t} SET message_count = message_count - 1 WHERE id = old.${k} ${guard};
        UPDATE ${t} SET (last_message_id, last_message_at) = (
            SELECT id, created_at FROM messages WHERE ${k} = old.${k} AND is_deleted = 0 ORDER BY id DESC LIMIT 1
          )
          WHERE id = old.${k} AND last_message_id = old.id ${guard};`;
}
