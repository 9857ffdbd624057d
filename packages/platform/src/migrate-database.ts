import type { D1DatabaseLike } from '@waddle/d1/database';
import type { Migration } from '@waddle/migrator/migration';
import type { MigrationResult } from '@waddle/migrator/migration-result';
import { Migrator } from '@waddle/migrator/migrator';

/** The outcome of migrating one database to the latest version. */
export interface DatabaseMigration {
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  readonly results: readonly MigrationResult[];
  readonly error?: unknown;
}

/**
 * Migrates one database to the latest version and reports where it started and ended.
 * Never throws for a migration failure: the error comes back with the results.
 */
export async function migrateDatabase(database: D1DatabaseLike, migrations: readonly Migration[]): Promise<DatabaseMigration> {
  const migrator = new Migrator({ database, migrations });
  const before = await migrator.getStatus();
  const { error, results } = await migrator.migrateToLatest();
  const after = await migrator.getStatus();
  return { fromVersion: before.version, toVersion: after.version, results, ...(error === undefined ? {} : { error }) };
}
