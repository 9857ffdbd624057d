import type { Migration } from '@waddle/migrator/migration';
import { type DatabaseDirectoryRow, describeDatabase } from '@waddle/registry/database-directory-row';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import { migrateThroughSlice } from '@waddle/slice-worker/slice-jobs';
import type { MigrateJobOutcome } from '@waddle/slice-worker/slice-protocol';
import type { DatabaseOutcome } from './fan-out-report.ts';

/**
 * Migrates the databases the directory places in one slice with that slice's bounded migrate job
 * (`migrateThroughSlice`: one dispatch call per bounded run of the job, every statement inside
 * the slice, none over REST), and answers the fan-out's outcome of each, in the order given.
 * The job applies the migrations the slice Worker was uploaded with; `migrations` (the code's
 * own list) only names the version each database came from. A database whose row records a
 * schema version is sent as `established`, so one found empty fails instead of being migrated
 * from scratch. A slice that cannot be reached fails every database of the call with the reason;
 * nothing is sent another way. `ms` is the job's time shared evenly among its databases.
 *
 * @example
 * ```ts
 * const outcomes = await migrateInSlice(env.SLICES, 'slice-0003', rowsOfTheSlice, waddleMigrations);
 * ```
 */
export async function migrateInSlice(
  dispatcher: SliceDispatcher,
  slice: string,
  rows: readonly DatabaseDirectoryRow[],
  migrations: readonly Migration[],
): Promise<[DatabaseDirectoryRow, DatabaseOutcome][]> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) / Math.max(1, rows.length));
  let jobs: MigrateJobOutcome[];
  try {
    jobs = await migrateThroughSlice(
      dispatcher,
      slice,
      rows.map((row) => row.d1_database_id),
      { established: rows.filter((row) => row.schema_version !== null).map((row) => row.d1_database_id) },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return rows.map((row) => [row, failed(row, message, ms())]);
  }
  const names = migrations.map((migration) => migration.name);
  return rows.map((row, index) => {
    const job = jobs[index];
    if (!job || job.status === 'failed' || job.status === 'not_started')
      return [row, failed(row, job?.error ?? 'not migrated by its slice', ms())];
    const first = job.applied[0];
    const before = first === undefined ? -2 : names.indexOf(first) - 1;
    return [
      row,
      {
        database: describeDatabase(row),
        d1DatabaseId: row.d1_database_id,
        fromVersion: first === undefined ? job.version : (names[before] ?? null),
        toVersion: job.version,
        status: job.status === 'migrated' ? 'migrated' : 'up-to-date',
        migrations: job.applied,
        ms: ms(),
      },
    ];
  });
}

function failed(row: DatabaseDirectoryRow, error: string, ms: number): DatabaseOutcome {
  return {
    database: describeDatabase(row),
    d1DatabaseId: row.d1_database_id,
    fromVersion: null,
    toVersion: null,
    status: 'failed',
    migrations: [],
    error,
    ms,
  };
}
