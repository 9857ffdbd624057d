import { centralMigrations as currentCentralMigrations } from '@waddle/central-schema/migrations';
import { type Clock, systemClock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { Migration } from '@waddle/migrator/migration';
import { Migrator } from '@waddle/migrator/migrator';
import { type DatabaseDirectoryRow, describeDatabase } from '@waddle/registry/database-directory-row';
import { listAllDatabases } from '@waddle/registry/list-databases';
import { recordSchemaVersions, type SchemaVersionRecord } from '@waddle/registry/record-schema-version';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { waddleMigrations as currentWaddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseTarget } from './database-target.ts';
import type { DatabaseOutcome, FanOutReport } from './fan-out-report.ts';
import type { FanOutSettings } from './fan-out-settings.ts';
import { migrateInSlice } from './migrate-in-slice.ts';
import { acquireLease, releaseLease } from './migration-lease.ts';

/** A migrate fan-out over `target`'s databases. */
export interface FanOutOptions extends FanOutSettings {
  readonly target: DatabaseTarget;
}

const LEASE = 'migrate';
/** The central migration that creates the directory of databases, which the fan-out walks. */
const DIRECTORY_MIGRATION = '0017_create_databases';
const LEASE_TTL_MS = 120_000;

/**
 * `turbo run migrate`: brings the central database, then every waddle database of its directory
 * of databases (`role = 'waddle'`, read a page at a time: a database registered there is migrated
 * whether or not a waddle row points at it) and every message shard of a waddle (`role =
 * 'message_shard'`, whatever its state: an `opening` one too, which its switch also migrates), to
 * the latest waddle schema, `concurrency` at a time. Each
 * database's version is recorded in its directory row when it changed (or the row did not have it). Each migration is atomic (one D1 batch with its
 * record), so a failure leaves its database as it was and does not stop the others; a rerun does
 * only what is still pending. Runs are serialized by a lease in the central database: a second
 * run waits, then finds nothing to do. A database the directory says is migrated but that is
 * empty is reported as missing and left alone, never re-created from scratch.
 *
 * On a target with a way to the binding slices (`target.sliceDispatcher`), every database the
 * directory places in a slice is migrated by that slice's bounded migrate job (`migrateInSlice`:
 * the statements run next to the data, none over REST; the job applies the migrations the slice
 * was uploaded with), one job per slice, or, with fewer slices than `concurrency`, each slice's
 * databases split among `ceil(concurrency / slices)` jobs so that every worker has one; only the
 * other databases are opened through the target, and a dry run reads each status through its
 * slice. Slice jobs and directly opened databases share the `concurrency`.
 *
 * ```sql
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 *   WHERE d.id > ? AND d.role = ? ORDER BY d.id LIMIT 1000;          -- per page of the directory, 'waddle' then 'message_shard'
 * UPDATE databases SET schema_version = ?, updated_at = ? WHERE d1_database_id = ?;   -- ×25 per batch, for the migrated ones
 * ```
 *
 * Never throws for a database's failure: the report lists every outcome, and `failed` the ones to
 * fix.
 */
export async function migrateAll(options: FanOutOptions): Promise<FanOutReport> {
  const central = options.centralMigrations ?? currentCentralMigrations;
  const waddle = options.waddleMigrations ?? currentWaddleMigrations;
  const { target } = options;
  const clock = options.clock ?? systemClock;
  const opened = await target.open([target.centralDatabaseId]);
  const centralDatabase = opened.get(target.centralDatabaseId);
  const outcomes: DatabaseOutcome[] = [];
  try {
    const centralOutcome = await migrateOne('central', target.centralDatabaseId, centralDatabase, central, null, options.dryRun);
    outcomes.push(centralOutcome);
    options.onProgress?.({ done: 1, total: 1, outcome: centralOutcome });
    if (centralOutcome.status === 'failed' || (options.dryRun && centralOutcome.fromVersion === null)) return report(outcomes);
    // A dry run over a central database from before the directory of databases has no directory to list yet.
    if (options.dryRun && centralOutcome.migrations.includes(DIRECTORY_MIGRATION)) return report(outcomes);

    // A waddle's message shards have the waddle schema too (docs/message-shards.md): the same walk migrates them.
    const directory = [
      ...(await listAllDatabases(centralDatabase, { role: 'waddle' })),
      ...(await listAllDatabases(centralDatabase, { role: 'message_shard' })),
    ];
    if (directory.length === 0) return report(outcomes);
    const holder = `${target.name}-${crypto.randomUUID()}`;
    if (!options.dryRun) await waitForLease(centralDatabase, holder, clock, options);
    const dispatcher = target.sliceDispatcher;
    const inSlices = dispatcher ? directory.filter((row) => row.slice !== null) : [];
    const direct = dispatcher ? directory.filter((row) => row.slice === null) : directory;
    const databases = await target.open(direct.map((r) => r.d1_database_id));
    try {
      let done = 0;
      let renewedAt = 0;
      const migrateDirectly =
        (row: DatabaseDirectoryRow, handle: D1DatabaseLike) => async (): Promise<[DatabaseDirectoryRow, DatabaseOutcome][]> => [
          [row, await migrateOne(describeDatabase(row), row.d1_database_id, handle, waddle, row.schema_version, options.dryRun)],
        ];
      // A database opened through the target is a task; so is a slice (one bounded job near its
      // data), but a dry run reads each status through the slice, since the job has no dry run.
      const tasks = direct.map((row) => migrateDirectly(row, databases.get(row.d1_database_id)));
      if (dispatcher) {
        const slices = bySlice(inSlices);
        // Fewer slices than `concurrency` would leave workers idle: a slice's databases are then
        // split among several jobs (each its own invocation of the slice, with its own budget).
        const jobsPerSlice = Math.max(1, Math.ceil((options.concurrency ?? 8) / Math.max(1, slices.size)));
        for (const [slice, rows] of slices) {
          if (options.dryRun)
            tasks.push(...rows.map((row) => migrateDirectly(row, sliceD1Database(dispatcher, { slice, database: row.d1_database_id }))));
          else for (const part of inParts(rows, jobsPerSlice)) tasks.push(() => migrateInSlice(dispatcher, slice, part, waddle));
        }
      }
      const versions = new VersionRecorder(centralDatabase, clock);
      const worker = async () => {
        for (let task = tasks.shift(); task; task = tasks.shift()) {
          for (const [row, outcome] of await task()) {
            // Migrated, or found at a version the directory does not say (a row registered without one, say).
            if (!options.dryRun && outcome.status !== 'failed' && outcome.toVersion !== row.schema_version) {
              await versions.record(row.d1_database_id, outcome.toVersion);
            }
            outcomes.push(outcome);
            done += 1;
            options.onProgress?.({ done, total: directory.length, outcome });
          }
          if (!options.dryRun && done - renewedAt >= 50) {
            renewedAt = done;
            await acquireLease(centralDatabase, LEASE, holder, LEASE_TTL_MS, clock());
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, tasks.length)) }, worker));
      } finally {
        await versions.flush();
      }
    } finally {
      await databases.dispose();
      if (!options.dryRun) await releaseLease(centralDatabase, LEASE, holder);
    }
    return report(outcomes);
  } finally {
    await opened.dispose();
  }
}

/** `rows` in at most `parts` runs of consecutive rows, of equal length but the last. */
function inParts<T>(rows: readonly T[], parts: number): T[][] {
  const size = Math.ceil(rows.length / parts);
  return Array.from({ length: Math.ceil(rows.length / size) }, (_, part) => rows.slice(part * size, (part + 1) * size));
}

/** The directory rows of databases in slices, by slice, in the order the slices first appear. */
function bySlice(rows: readonly DatabaseDirectoryRow[]): Map<string, DatabaseDirectoryRow[]> {
  const slices = new Map<string, DatabaseDirectoryRow[]>();
  for (const row of rows) {
    if (row.slice === null) continue;
    const ofSlice = slices.get(row.slice);
    if (ofSlice) ofSlice.push(row);
    else slices.set(row.slice, [row]);
  }
  return slices;
}

/**
 * Runs the fan-out where it is cheapest for the target: its own `migrateAll` when it has one (the
 * local target runs it inside workerd), otherwise {@link migrateAll} driven from here.
 */
export function runFanOut(options: FanOutOptions): Promise<FanOutReport> {
  const { target, ...rest } = options;
  return target.migrateAll ? target.migrateAll(rest) : migrateAll(options);
}

async function migrateOne(
  database: string,
  d1DatabaseId: string,
  handle: D1DatabaseLike,
  migrations: readonly Migration[],
  registeredVersion: string | null,
  dryRun = false,
): Promise<DatabaseOutcome> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const status = await new Migrator({ database: handle, migrations }).getStatus();
    if (registeredVersion !== null && status.version === null) {
      const error = `the directory says ${registeredVersion} but the database is empty: it is missing or was replaced`;
      return { database, d1DatabaseId, fromVersion: null, toVersion: null, status: 'failed', migrations: [], error, ms: ms() };
    }
    if (dryRun) {
      const unknown =
        status.unknown.length > 0 ? `database has migrations this code does not know: ${status.unknown.join(', ')}` : undefined;
      return {
        database,
        d1DatabaseId,
        fromVersion: status.version,
        toVersion: status.version,
        status: unknown ? 'failed' : status.pending.length > 0 ? 'behind' : 'up-to-date',
        migrations: status.pending,
        ...(unknown ? { error: unknown } : {}),
        ms: ms(),
      };
    }
    if (status.pending.length === 0 && status.unknown.length === 0) {
      return {
        database,
        d1DatabaseId,
        fromVersion: status.version,
        toVersion: status.version,
        status: 'up-to-date',
        migrations: [],
        ms: ms(),
      };
    }
    const result = await new Migrator({ database: handle, migrations }).migrateToLatest();
    const applied = result.results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
    return {
      database,
      d1DatabaseId,
      fromVersion: status.version,
      toVersion: applied.at(-1) ?? status.version,
      status: result.error !== undefined ? 'failed' : applied.length > 0 ? 'migrated' : 'up-to-date',
      migrations: applied,
      ...(result.error !== undefined ? { error: messageOf(result.error) } : {}),
      ms: ms(),
    };
  } catch (error) {
    return {
      database,
      d1DatabaseId,
      fromVersion: null,
      toVersion: null,
      status: 'failed',
      migrations: [],
      error: messageOf(error),
      ms: ms(),
    };
  }
}

/**
 * Records each migrated database's version in the directory, 25 at a time in one batch, so the
 * central database is not written once per waddle database.
 *
 * ```sql
 * UPDATE databases SET schema_version = ?, updated_at = ? WHERE d1_database_id = ?;   -- ×25 per batch
 * ```
 */
class VersionRecorder {
  readonly #central: D1DatabaseLike;
  readonly #clock: Clock;
  #pending: SchemaVersionRecord[] = [];

  constructor(central: D1DatabaseLike, clock: Clock) {
    this.#central = central;
    this.#clock = clock;
  }

  async record(d1DatabaseId: string, schemaVersion: string | null): Promise<void> {
    this.#pending.push({ d1DatabaseId, schemaVersion });
    if (this.#pending.length >= 25) await this.flush();
  }

  async flush(): Promise<void> {
    const records = this.#pending;
    this.#pending = [];
    await recordSchemaVersions(this.#central, records, this.#clock());
  }
}

async function waitForLease(central: D1DatabaseLike, holder: string, clock: Clock, options: FanOutOptions): Promise<void> {
  // A duration, not a time of day: measured on the monotonic clock.
  const deadline = performance.now() + (options.leaseWaitMs ?? 600_000);
  while (!(await acquireLease(central, LEASE, holder, LEASE_TTL_MS, clock()))) {
    const current = await central.prepare('SELECT holder FROM migration_leases WHERE name = ?').bind(LEASE).first<{ holder: string }>();
    if (performance.now() > deadline) throw new Error(`another migrate run (${current?.holder ?? 'unknown'}) still holds the lease`);
    options.onWaiting?.(current?.holder ?? 'unknown');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function report(outcomes: DatabaseOutcome[]): FanOutReport {
  return { outcomes, failed: outcomes.filter((o) => o.status === 'failed') };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
