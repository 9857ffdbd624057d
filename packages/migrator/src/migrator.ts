import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import type { Kysely } from 'kysely';
import { createCompileOnlyKysely } from './compile-only-kysely.ts';
import type { Migration, MigrationStatement } from './migration.ts';
import { MigrationFailedError } from './migration-failed-error.ts';
import { MigrationOrderError } from './migration-order-error.ts';
import type { MigrationResult, MigrationResultSet } from './migration-result.ts';
import {
  CREATE_SCHEMA_MIGRATIONS_SQL,
  DELETE_APPLIED_MIGRATION_SQL,
  INSERT_APPLIED_MIGRATION_SQL,
  SCHEMA_MIGRATIONS_TABLE,
  SELECT_APPLIED_MIGRATIONS_SQL,
} from './schema-migrations-table.ts';
import { UnknownMigrationError } from './unknown-migration-error.ts';
import type { AnySchema } from './migration.ts';

const MIGRATION_NAME = /^\d{4}_[a-z0-9]+(?:_[a-z0-9]+)*$/;

export interface MigratorOptions {
  /** Any D1 database: a Worker binding, Miniflare's local D1, the REST client, node:sqlite. */
  readonly database: D1DatabaseLike;
  /** The schema's migrations, oldest first. */
  readonly migrations: readonly Migration[];
  /** Clock for `applied_at` (milliseconds since the epoch); defaults to `Date.now`. */
  readonly now?: () => number;
}

/** A migration recorded in the database. */
export interface AppliedMigration {
  readonly name: string;
  readonly appliedAt: number;
}

/** Where a database stands against this code's list of migrations. */
export interface MigrationStatus {
  readonly applied: readonly AppliedMigration[];
  /** Known migrations not yet applied, in the order they would be applied. */
  readonly pending: readonly string[];
  /** Applied migrations this code does not have: the database is newer than the code. */
  readonly unknown: readonly string[];
  /** Name of the newest applied migration, or `null` for an empty database. */
  readonly version: string | null;
}

/**
 * Applies a schema's migrations to one D1 database, each together with the row that records it
 * in a single `batch()`. D1 runs a batch atomically, so a migration that fails at any statement
 * leaves the database exactly as it was, and two runs racing on the same migration cannot both
 * record it (the second batch fails on the primary key and rolls back).
 *
 * Like Kysely's `Migrator`, the run methods never throw for expected failures: they return a
 * {@link MigrationResultSet} with the per-migration outcome and the error that stopped the run.
 *
 * @example
 * ```ts
 * const migrator = new Migrator({ database: env.WADDLE_DB, migrations: waddleMigrations });
 * const { error, results } = await migrator.migrateToLatest();
 * ```
 *
 * For each pending migration it sends one batch:
 * ```sql
 * CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY NOT NULL, applied_at INTEGER NOT NULL) STRICT, WITHOUT ROWID;
 * -- ...the migration's statements...
 * INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?);
 * ```
 */
export class Migrator {
  readonly #database: D1DatabaseLike;
  readonly #migrations: readonly Migration[];
  readonly #now: () => number;
  readonly #compiler: Kysely<AnySchema> = createCompileOnlyKysely();

  constructor(options: MigratorOptions) {
    assertWellFormed(options.migrations);
    this.#database = options.database;
    this.#migrations = options.migrations;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Reads which migrations the database has, in one query (a database without the bookkeeping
   * table has none: one round trip matters when a deploy checks thousands of databases).
   *
   * ```sql
   * SELECT name, applied_at AS appliedAt FROM schema_migrations ORDER BY name;
   * ```
   */
  async getStatus(): Promise<MigrationStatus> {
    // Raw (see schema-migrations-table.ts): the bookkeeping table is the same in every schema
    // version and outside the generated types. test/migrator.test.ts ('reports status…').
    const applied = await this.#database
      .prepare(SELECT_APPLIED_MIGRATIONS_SQL)
      .all<AppliedMigration>()
      .then(
        (result) => result.results,
        (error: unknown) => {
          if (String(error instanceof Error ? error.message : error).includes(`no such table: ${SCHEMA_MIGRATIONS_TABLE}`)) return [];
          throw error;
        },
      );
    const appliedNames = new Set(applied.map((m) => m.name));
    const knownNames = new Set(this.#migrations.map((m) => m.name));
    return {
      applied,
      pending: this.#migrations.filter((m) => !appliedNames.has(m.name)).map((m) => m.name),
      unknown: applied.filter((m) => !knownNames.has(m.name)).map((m) => m.name),
      version: applied.at(-1)?.name ?? null,
    };
  }

  /** Applies every pending migration in order, stopping at the first that fails. */
  async migrateToLatest(): Promise<MigrationResultSet> {
    const checked = await this.#checkedStatus();
    if ('error' in checked) return { error: checked.error, results: [] };

    const pending = this.#migrations.filter((m) => checked.status.pending.includes(m.name));
    const results: MigrationResult[] = [];
    for (const [index, migration] of pending.entries()) {
      const error = await this.#runBatch(migration, 'Up');
      if (error) {
        results.push({ migrationName: migration.name, direction: 'Up', status: 'Error' });
        for (const skipped of pending.slice(index + 1)) {
          results.push({ migrationName: skipped.name, direction: 'Up', status: 'NotExecuted' });
        }
        return { error, results };
      }
      results.push({ migrationName: migration.name, direction: 'Up', status: 'Success' });
    }
    return { results };
  }

  /** Reverts the newest applied migration (for development). Does nothing on an empty database. */
  async migrateDown(): Promise<MigrationResultSet> {
    const checked = await this.#checkedStatus();
    if ('error' in checked) return { error: checked.error, results: [] };

    const newest = checked.status.version;
    const migration = this.#migrations.find((m) => m.name === newest);
    if (!migration) return { results: [] };
    const error = await this.#runBatch(migration, 'Down');
    return error
      ? { error, results: [{ migrationName: migration.name, direction: 'Down', status: 'Error' }] }
      : { results: [{ migrationName: migration.name, direction: 'Down', status: 'Success' }] };
  }

  async #checkedStatus(): Promise<{ status: MigrationStatus } | { error: unknown }> {
    let status: MigrationStatus;
    try {
      status = await this.getStatus();
    } catch (error) {
      return { error };
    }
    if (status.unknown.length > 0) return { error: new UnknownMigrationError(status.unknown) };
    const firstPending = this.#migrations.findIndex((m) => status.pending.includes(m.name));
    const appliedAfterGap =
      firstPending === -1
        ? undefined
        : status.applied.find((applied) => this.#migrations.findIndex((m) => m.name === applied.name) > firstPending);
    if (appliedAfterGap) {
      return { error: new MigrationOrderError(this.#migrations[firstPending]!.name, appliedAfterGap.name) };
    }
    return { status };
  }

  /** Runs one migration and its bookkeeping row as one batch; returns the error, if any. */
  async #runBatch(migration: Migration, direction: 'Up' | 'Down'): Promise<MigrationFailedError | undefined> {
    try {
      const statements = direction === 'Up' ? migration.up(this.#compiler) : migration.down(this.#compiler);
      // Raw bookkeeping (see schema-migrations-table.ts), in the migration's own batch so that both
      // happen or neither does. test/migrator.test.ts: applied, failed at the third statement, reverted.
      const record =
        direction === 'Up'
          ? this.#database.prepare(INSERT_APPLIED_MIGRATION_SQL).bind(migration.name, this.#now())
          : this.#database.prepare(DELETE_APPLIED_MIGRATION_SQL).bind(migration.name);
      await this.#database.batch([
        this.#database.prepare(CREATE_SCHEMA_MIGRATIONS_SQL),
        ...statements.map((statement) => this.#prepare(statement)),
        record,
      ]);
      return undefined;
    } catch (cause) {
      return new MigrationFailedError(migration.name, direction, { cause });
    }
  }

  #prepare(statement: MigrationStatement): D1StatementLike {
    // The migration's statement, compiled by Kysely; prepared here because D1's batch() takes
    // prepared statements and Kysely runs one query at a time. Every migration test goes through it.
    const compiled = statement.compile(this.#compiler);
    return this.#database.prepare(compiled.sql).bind(...compiled.parameters);
  }
}

function assertWellFormed(migrations: readonly Migration[]): void {
  for (const [index, migration] of migrations.entries()) {
    if (!MIGRATION_NAME.test(migration.name)) {
      throw new TypeError(`migration name ${JSON.stringify(migration.name)} is not NNNN_verb_object`);
    }
    const previous = migrations[index - 1];
    if (previous && previous.name >= migration.name) {
      throw new TypeError(`migration ${migration.name} must come after ${previous.name} (unique, ascending)`);
    }
  }
}
