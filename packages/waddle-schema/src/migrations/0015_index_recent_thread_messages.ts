import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Counting a thread's live messages of the last 24 hours (the "active threads" view) reads only
 * those index entries: the cost follows the thread's recent traffic, never the channel's history.
 */
export const indexRecentThreadMessages: Migration = {
  name: '0015_index_recent_thread_messages',
  up: (db) => [
    db.schema
      .createIndex('messages_recent_in_thread')
      .on('messages')
      .columns(['thread_id', 'created_at'])
      .where(sql<boolean>`thread_id IS NOT NULL AND is_deleted = 0`),
  ],
  down: (db) => [db.schema.dropIndex('messages_recent_in_thread')],
};
