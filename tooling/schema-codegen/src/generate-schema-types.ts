import { readFile } from 'node:fs/promises';
import type { DatabaseSync } from 'node:sqlite';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import type { Migration } from '@waddle/migrator/migration';
import { Migrator } from '@waddle/migrator/migrator';
import { Kysely, SqliteDialect } from 'kysely';
import { generate, SqliteDialect as CodegenSqliteDialect } from 'kysely-codegen';
import { enumColumnOverrides } from './enum-column-overrides.ts';
import { toKyselySqliteDatabase } from './node-sqlite-kysely-database.ts';

/**
 * The glob of tables the generated types leave out: the migrator's bookkeeping, SQLite's own,
 * and every virtual table (the FTS5 index, queried with raw SQL only) with its shadow tables.
 */
function excludedTables(handle: DatabaseSync): string {
  const virtualTables = handle
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")
    .all() as { name: string }[];
  const names = ['schema_migrations', 'sqlite_*', ...virtualTables.flatMap(({ name }) => [name, `${name}_*`])];
  return `{${names.join(',')}}`;
}

export interface GenerateSchemaTypesOptions {
  readonly migrations: readonly Migration[];
  /** Path of the generated TypeScript file. */
  readonly outFile: string;
}

/**
 * Builds an in-memory SQLite database from the migrations (the same runner as on D1) and
 * returns the Kysely types that kysely-codegen (`--dialect sqlite`) generates from it, with
 * enumerations typed as unions of their allowed values.
 */
export async function renderSchemaTypes(migrations: readonly Migration[]): Promise<string> {
  const database = openNodeSqliteDatabase(':memory:');
  try {
    const { error } = await new Migrator({ database, migrations }).migrateToLatest();
    if (error) throw error;
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: toKyselySqliteDatabase(database.handle) }) });
    return await generate({
      db,
      dialect: new CodegenSqliteDialect(),
      excludePattern: excludedTables(database.handle),
      overrides: { columns: enumColumnOverrides(database.handle) },
      outFile: null,
    });
  } finally {
    database.close();
  }
}

/** Whether the committed file equals what the migrations generate now. */
export async function isSchemaTypesCurrent(options: GenerateSchemaTypesOptions): Promise<boolean> {
  const [expected, actual] = await Promise.all([renderSchemaTypes(options.migrations), readFile(options.outFile, 'utf8').catch(() => '')]);
  return expected === actual;
}
