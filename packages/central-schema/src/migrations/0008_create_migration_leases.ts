import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Leases that serialize platform-wide jobs (the migrate fan-out): one row per job name, held by
 * one run until `expires_at`; a crashed holder's lease lapses on its own.
 */
export const createMigrationLeases: Migration = {
  name: '0008_create_migration_leases',
  up: (db) => [
    db.schema
      .createTable('migration_leases')
      .addColumn('name', 'text', (c) => c.primaryKey().notNull().check(sql`length(name) BETWEEN 1 AND 64`))
      .addColumn('holder', 'text', (c) => c.notNull().check(sql`length(holder) BETWEEN 1 AND 128`))
      .addColumn('acquired_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull().check(sql`expires_at > acquired_at`))
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [db.schema.dropTable('migration_leases')],
};
