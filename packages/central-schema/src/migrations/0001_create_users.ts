import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Accounts. All personal data of the platform lives in the central database, and only here.
 * Ids are integers (compact wherever a waddle database refers to a user); usernames and emails
 * are unique whatever their case. `deleted_at` marks an erased account.
 */
export const createUsers: Migration = {
  name: '0001_create_users',
  up: (db) => [
    db.schema
      .createTable('users')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement().notNull())
      .addColumn('email', 'text', (c) => c.unique().modifyEnd(sql`COLLATE NOCASE CHECK (length(email) <= 254 AND email LIKE '%_@_%')`))
      .addColumn('username', 'text', (c) =>
        c
          .notNull()
          .unique()
          .modifyEnd(sql`COLLATE NOCASE CHECK (length(username) BETWEEN 2 AND 32 AND username NOT GLOB '*[^A-Za-z0-9_.-]*')`),
      )
      .addColumn('display_name', 'text', (c) => c.check(sql`length(display_name) BETWEEN 1 AND 64`))
      .addColumn('avatar_url', 'text', (c) => c.check(sql`length(avatar_url) <= 2048`))
      .addColumn('bio', 'text', (c) => c.check(sql`length(bio) <= 1024`))
      .addColumn('is_anonymous', 'integer', (c) => c.notNull().defaultTo(0).check(sql`is_anonymous IN (0, 1)`))
      .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en').check(sql`length(locale) BETWEEN 2 AND 35`))
      .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC').check(sql`length(timezone) BETWEEN 1 AND 64`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('deleted_at', 'integer')
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('users_by_created').on('users').columns(['created_at', 'id']),
  ],
  down: (db) => [db.schema.dropTable('users')],
};
