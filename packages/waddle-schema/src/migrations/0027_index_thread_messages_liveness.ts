import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * `messages_by_thread` also carries `is_deleted`, so counting a followed thread's unread messages
 * (live, after the reader's marker) reads only index entries: before, each entry after the marker
 * was looked up in the table for its tombstone flag (188 lookups for the 50 threads of the
 * followed-threads list on the 1,000,000-message synthetic waddle). The author test needs no
 * column: a reader with a follow row has their marker past their own live messages there
 * (migrations 0021 and 0022). The flag is 0 or 1, stored in the entry's header alone: one byte per
 * message in a thread. Same name and leading columns, so every other use of the index is unchanged.
 */
export const indexThreadMessagesLiveness: Migration = {
  name: '0027_index_thread_messages_liveness',
  up: (db) => [
    db.schema.dropIndex('messages_by_thread'),
    db.schema
      .createIndex('messages_by_thread')
      .on('messages')
      .columns(['thread_id', 'id', 'is_deleted'])
      .where(sql<boolean>`thread_id IS NOT NULL`),
  ],
  down: (db) => [
    db.schema.dropIndex('messages_by_thread'),
    db.schema.createIndex('messages_by_thread').on('messages').columns(['thread_id', 'id']).where(sql<boolean>`thread_id IS NOT NULL`),
  ],
};
