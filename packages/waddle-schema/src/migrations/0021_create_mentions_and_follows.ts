import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Mentions, followed threads with their own read state, and per-channel notification levels.
 *
 * **`message_mentions`**: one row per message and target (`user` with a user id, `role` with a
 * role id, `everyone` or `here` with 0), written by the query library in the batch that writes the
 * message. A role mention is one row however many members hold the role: who it reaches is read
 * from `member_roles` when counted. `channel_id`, `thread_id` and `author_id` repeat the
 * message's, and each index from the target carries them, so every count and the inbox read one
 * index and never a message row (a message lookup per mention was most of their cost: 200,000
 * messages do not fit in the page cache): a `BEFORE INSERT` trigger refuses a row whose place or
 * author differs from its live message's (authors never change), and a trigger carries the place along when a
 * message (or its thread) moves. Triggers delete a message's mentions when its content changes
 * (an edit: the writer inserts the new ones in the same batch) or it is tombstoned (content
 * cleared); a hard delete cascades; a deleted role takes its mentions with it.
 *
 * **`thread_follows`**: per user and thread, whether they follow it (`following`), muted it
 * (`muted`: not followed, its mentions raise no count) or unfollowed it (both 0: a remembered
 * choice that stops automatic follows), and their read marker in it, which only moves forward.
 * Triggers follow a thread for its starter (marker 0), for each author posting in it (marker
 * moved to their message) and for each member mentioned by name in it (marker just before the
 * mention, so it is unread), and never change an existing row's choice.
 * There is one row per participant of every thread, so the row is kept small: the states are
 * booleans (stored in the record header alone) and there is no index by thread. Without it,
 * deleting a thread (which cascades here) reads the whole table; nothing deletes threads or
 * channels today, and a migration adds `(thread_id, user_id)` if something does. Measured on the
 * synthetic waddle of 200,000 messages (140,001 follows): the table costs 11.8 bytes per message,
 * and that index would have added 7.7.
 *
 * **`channel_notification_levels`**: a member's override of their waddle notification level
 * (`waddle_members.notification_level` in the central database) for one channel.
 */
export const createMentionsAndFollows: Migration = {
  name: '0021_create_mentions_and_follows',
  up: (db) => [
    db.schema
      .createTable('message_mentions')
      .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('user', 'role', 'everyone', 'here')`))
      .addColumn('target_id', 'integer', (c) => c.notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull())
      .addColumn('thread_id', 'integer')
      .addColumn('author_id', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('message_mentions_pk', ['message_id', 'kind', 'target_id'])
      .addCheckConstraint(
        'message_mentions_target_fits_kind',
        sql`CASE WHEN kind IN ('everyone', 'here') THEN target_id = 0 ELSE target_id > 0 END`,
      )
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema
      .createIndex('message_mentions_by_target_in_channel')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'channel_id', 'message_id', 'author_id', 'thread_id']),
    db.schema
      .createIndex('message_mentions_by_target_in_thread')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'thread_id', 'message_id', 'author_id'])
      .where(sql<boolean>`thread_id IS NOT NULL`),
    db.schema
      .createIndex('message_mentions_by_target')
      .on('message_mentions')
      .columns(['kind', 'target_id', 'message_id', 'channel_id', 'author_id', 'thread_id']),
    sql`CREATE TRIGGER message_mentions_in_place_of_message BEFORE INSERT ON message_mentions
      WHEN NOT EXISTS (SELECT 1 FROM messages WHERE id = new.message_id AND is_deleted = 0 AND channel_id = new.channel_id AND thread_id IS new.thread_id AND user_id = new.author_id)
      BEGIN SELECT RAISE(ABORT, 'message_mentions: not the channel, thread and author of a live message'); END`,
    sql`CREATE TRIGGER messages_mentions_follow_place AFTER UPDATE OF channel_id, thread_id ON messages
      WHEN old.channel_id IS NOT new.channel_id OR old.thread_id IS NOT new.thread_id
      BEGIN
        UPDATE message_mentions SET channel_id = new.channel_id, thread_id = new.thread_id WHERE message_id = new.id;
      END`,
    sql`CREATE TRIGGER messages_mentions_follow_content AFTER UPDATE OF content, is_deleted ON messages
      WHEN old.content IS NOT new.content OR new.is_deleted = 1
      BEGIN
        DELETE FROM message_mentions WHERE message_id = new.id;
      END`,
    sql`CREATE TRIGGER roles_take_mentions AFTER DELETE ON roles
      BEGIN
        DELETE FROM message_mentions WHERE kind = 'role' AND target_id = old.id;
      END`,

    db.schema
      .createTable('thread_follows')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('thread_id', 'integer', (c) => c.notNull().references('threads.id').onDelete('cascade'))
      .addColumn('following', 'integer', (c) => c.notNull().defaultTo(1).check(sql`following IN (0, 1)`))
      .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`muted IN (0, 1)`))
      .addColumn('last_read_message_id', 'integer', (c) => c.notNull().defaultTo(0).check(sql`last_read_message_id >= 0`))
      .addPrimaryKeyConstraint('thread_follows_pk', ['user_id', 'thread_id'])
      .addCheckConstraint('thread_follows_muted_is_not_followed', sql`NOT (following = 1 AND muted = 1)`)
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    sql`CREATE TRIGGER threads_followed_by_starter AFTER INSERT ON threads
      BEGIN
        INSERT OR IGNORE INTO thread_follows (user_id, thread_id) VALUES (new.created_by, new.id);
      END`,
    sql`CREATE TRIGGER messages_followed_by_author AFTER INSERT ON messages
      WHEN new.thread_id IS NOT NULL AND new.is_deleted = 0
      BEGIN
        INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) VALUES (new.user_id, new.thread_id, new.id);
        UPDATE thread_follows SET last_read_message_id = new.id
          WHERE user_id = new.user_id AND thread_id = new.thread_id AND last_read_message_id < new.id;
      END`,
    sql`CREATE TRIGGER message_mentions_followed_by_mentioned AFTER INSERT ON message_mentions
      WHEN new.kind = 'user' AND new.thread_id IS NOT NULL
      BEGIN
        INSERT OR IGNORE INTO thread_follows (user_id, thread_id, last_read_message_id) VALUES (new.target_id, new.thread_id, new.message_id - 1);
      END`,

    db.schema
      .createTable('channel_notification_levels')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('all', 'mentions', 'none')`))
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_notification_levels_pk', ['user_id', 'channel_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [
    db.schema.dropTable('channel_notification_levels'),
    sql`DROP TRIGGER message_mentions_followed_by_mentioned`,
    sql`DROP TRIGGER messages_followed_by_author`,
    sql`DROP TRIGGER threads_followed_by_starter`,
    db.schema.dropTable('thread_follows'),
    sql`DROP TRIGGER roles_take_mentions`,
    sql`DROP TRIGGER messages_mentions_follow_content`,
    sql`DROP TRIGGER messages_mentions_follow_place`,
    db.schema.dropTable('message_mentions'),
  ],
};
