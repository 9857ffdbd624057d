import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';

/**
 * Brings a synthetic waddle kept in `bench-data/` from an earlier run up to the current schema
 * (the pending waddle migrations, in order) and returns their names: without it, a file built
 * before a migration that adds or reshapes an index would be timed without it. An index a
 * migration builds over the existing rows is packed tighter than one grown message by message, so
 * `storage.bytes_per_message` of a migrated file can read slightly lower than a rebuilt one's
 * (`--rebuild`).
 */
export async function migrateReusedWaddle(path: string): Promise<string[]> {
  const database = openNodeSqliteDatabase(path);
  try {
    const { error, results } = await new Migrator({ database, migrations: waddleMigrations }).migrateToLatest();
    if (error) throw error;
    return results.map((result) => result.migrationName);
  } finally {
    database.close();
  }
}
