import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * `message_mentions.shares_message`: 1 when another mention row has the same message (a message
 * that names the reader and a role, or two roles), else 0. A capped mention count counts distinct
 * messages, because a message reaching the reader in two ways is one mention; deduplicating every
 * entry through a temporary B-tree was half the cost of the unread mention counts on the
 * 1,000,000-message synthetic waddle (3.3 against 1.7 ms in-process for 50 channels). An entry
 * whose flag is 0 cannot be a duplicate, so the count reads the flag beside the message id and
 * deduplicates only when an entry of the walk has it (`cappedMentionCount`, `@waddle/queries`).
 *
 * Both covering indexes of the counts carry the flag last (same names and leading columns, so
 * every other use is unchanged), and two triggers keep it exact whoever writes the rows: an insert
 * that gives a message its second row flags all of its rows; a delete that leaves one row unflags
 * it. Existing rows are flagged in the migration itself. The flag is stored in the entry's header
 * alone (0 and 1 take no payload byte in SQLite's record format).
 */
export const flagSharedMentionMessages: Migration = {
  name: '0029_flag_shared_mention_messages',
  up: (db) => [
    db.schema
      .alterTable('message_mentions')
      .addColumn('shares_message', 'integer', (c) => c.notNull().defaultTo(0).check(sql`shares_message IN (0, 1)`)),
    sql`UPDATE message_mentions SET shares_message = 1
      WHERE message_id IN (SELECT message_id FROM message_mentions GROUP BY message_id HAVING count(*) > 1)`,
    db.schema.dropIndex('message_mentions_by_target_in_channel'),
    db.schema
      .createIndex('message_mentions_by_target_in_channel')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'channel_id', 'message_id', 'author_id', 'thread_id', 'shares_message']),
    db.schema.dropIndex('message_mentions_by_target_in_thread'),
    db.schema
      .createIndex('message_mentions_by_target_in_thread')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'thread_id', 'message_id', 'author_id', 'shares_message'])
      .where(sql<boolean>`thread_id IS NOT NULL`),
    sql`CREATE TRIGGER message_mentions_flag_shared AFTER INSERT ON message_mentions
      WHEN EXISTS (SELECT 1 FROM message_mentions WHERE message_id = new.message_id AND (kind <> new.kind OR target_id <> new.target_id))
      BEGIN
        UPDATE message_mentions SET shares_message = 1 WHERE message_id = new.message_id AND shares_message = 0;
      END`,
    sql`CREATE TRIGGER message_mentions_unflag_alone AFTER DELETE ON message_mentions
      WHEN (SELECT count(*) FROM message_mentions WHERE message_id = old.message_id) = 1
      BEGIN
        UPDATE message_mentions SET shares_message = 0 WHERE message_id = old.message_id;
      END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER message_mentions_unflag_alone`,
    sql`DROP TRIGGER message_mentions_flag_shared`,
    db.schema.dropIndex('message_mentions_by_target_in_thread'),
    db.schema
      .createIndex('message_mentions_by_target_in_thread')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'thread_id', 'message_id', 'author_id'])
      .where(sql<boolean>`thread_id IS NOT NULL`),
    db.schema.dropIndex('message_mentions_by_target_in_channel'),
    db.schema
      .createIndex('message_mentions_by_target_in_channel')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'channel_id', 'message_id', 'author_id', 'thread_id']),
    db.schema.alterTable('message_mentions').dropColumn('shares_message'),
  ],
};
