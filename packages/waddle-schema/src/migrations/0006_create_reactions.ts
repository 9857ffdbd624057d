import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * One row per (message, emoji, user). The key is ordered `(message_id, emoji, user_id)` (the
 * draft had `(message_id, user_id, emoji)`) so counting a page's reactions per emoji reads the
 * key in order, without a temporary B-tree.
 */
export const createReactions: Migration = {
  name: '0006_create_reactions',
  up: (db) => [
    db.schema
      .createTable('reactions')
      .addColumn('message_id', 'integer', (c) => c.notNull().references('messages.id').onDelete('cascade'))
      .addColumn('emoji', 'text', (c) => c.notNull().check(sql`length(emoji) BETWEEN 1 AND 64`))
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addPrimaryKeyConstraint('reactions_pk', ['message_id', 'emoji', 'user_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('reactions_by_user').on('reactions').column('user_id'),
    sql`CREATE TRIGGER messages_forget_reactions_of_tombstone AFTER UPDATE OF is_deleted ON messages
      WHEN new.is_deleted = 1 AND old.is_deleted = 0
      BEGIN
        DELETE FROM reactions WHERE message_id = old.id;
      END`,
  ],
  down: (db) => [sql`DROP TRIGGER messages_forget_reactions_of_tombstone`, db.schema.dropTable('reactions')],
};
