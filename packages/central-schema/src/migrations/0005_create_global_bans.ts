import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** Platform-wide bans; `expires_at` NULL means permanent. */
export const createGlobalBans: Migration = {
  name: '0005_create_global_bans',
  up: (db) => [
    db.schema
      .createTable('global_bans')
      .addColumn('user_id', 'integer', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull().check(sql`length(reason) BETWEEN 1 AND 512`))
      .addColumn('banned_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('banned_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('expires_at', 'integer', (c) => c.check(sql`expires_at > banned_at`))
      .modifyEnd(sql`STRICT`),
  ],
  down: (db) => [db.schema.dropTable('global_bans')],
};
