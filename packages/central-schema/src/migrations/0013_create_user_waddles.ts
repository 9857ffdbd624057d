import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Every waddle a user ever joined. `waddle_members` forgets a member who leaves, is kicked or is
 * banned, but their messages stay in the waddle's database: a data export and an erasure must
 * still reach it. A trigger records each join (the first one is kept); the last statement
 * backfills the memberships that exist when the migration runs.
 */
export const createUserWaddles: Migration = {
  name: '0013_create_user_waddles',
  up: (db) => [
    db.schema
      .createTable('user_waddles')
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('waddle_id', 'integer', (c) => c.notNull().references('waddles.id').onDelete('cascade'))
      .addColumn('first_joined_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_waddles_pk', ['user_id', 'waddle_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('user_waddles_by_waddle').on('user_waddles').columns(['waddle_id', 'user_id']),
    sql`CREATE TRIGGER waddle_members_remember_waddle AFTER INSERT ON waddle_members
      BEGIN
        INSERT OR IGNORE INTO user_waddles (user_id, waddle_id, first_joined_at) VALUES (new.user_id, new.waddle_id, new.joined_at);
      END`,
    sql`INSERT OR IGNORE INTO user_waddles (user_id, waddle_id, first_joined_at) SELECT user_id, waddle_id, joined_at FROM waddle_members`,
  ],
  down: (db) => [sql`DROP TRIGGER waddle_members_remember_waddle`, db.schema.dropTable('user_waddles')],
};
