import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** Membership, with `waddles.member_count` kept current by triggers on every join and leave. */
export const createWaddleMembers: Migration = {
  name: '0004_create_waddle_members',
  up: (db) => [
    db.schema
      .createTable('waddle_members')
      .addColumn('waddle_id', 'integer', (c) => c.notNull().references('waddles.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('nickname', 'text', (c) => c.check(sql`length(nickname) BETWEEN 1 AND 64`))
      .addColumn('joined_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('last_read_at', 'integer')
      .addColumn('notification_level', 'text', (c) =>
        c.notNull().defaultTo('all').check(sql`notification_level IN ('all', 'mentions', 'none')`),
      )
      .addPrimaryKeyConstraint('waddle_members_pk', ['waddle_id', 'user_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('waddle_members_by_user').on('waddle_members').columns(['user_id', 'joined_at desc']),
    db.schema.createIndex('waddle_members_by_waddle').on('waddle_members').columns(['waddle_id', 'joined_at desc']),
    sql`CREATE TRIGGER waddle_members_count_join AFTER INSERT ON waddle_members
      BEGIN
        UPDATE waddles SET member_count = member_count + 1 WHERE id = new.waddle_id;
      END`,
    sql`CREATE TRIGGER waddle_members_count_leave AFTER DELETE ON waddle_members
      BEGIN
        UPDATE waddles SET member_count = member_count - 1 WHERE id = old.waddle_id;
      END`,
  ],
  down: (db) => [db.schema.dropTable('waddle_members')],
};
