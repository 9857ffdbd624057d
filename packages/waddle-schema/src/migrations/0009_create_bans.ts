import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** Bans from this waddle; `expires_at` NULL means permanent. */
export const createBans: Migration = {
  name: '0009_create_bans',
  up: (db) => [
    db.schema
      .createTable('bans')
      .addColumn('user_id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('reason', 'text', (c) => c.check(sql`length(reason) <= 512`))
      .addColumn('banned_by', 'integer', (c) => c.notNull())
      .addColumn('banned_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('expires_at', 'integer', (c) => c.check(sql`expires_at > banned_at`))
      .modifyEnd(sql`STRICT`),
  ],
  down: (db) => [db.schema.dropTable('bans')],
};
