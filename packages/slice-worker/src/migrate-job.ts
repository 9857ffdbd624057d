import type { Clock } from '@waddle/clock/clock';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { JobBudget } from './job-budget.ts';
import { type SliceEnv, sliceDatabase } from './slice-env.ts';
import type { MigrateJobOutcome, SliceJobRequest } from './slice-protocol.ts';

/**
 * Migrates databases of the slice to the latest waddle schema with `@waddle/migrator` (each
 * migration in one atomic batch with its record), one database after the other, next to the
 * data. Bounded: it reads a database's status (one query), then applies its pending migrations
 * only if the invocation's query and time budget still covers them (one batch each); databases
 * it did not get to are answered `not_started`. A database the slice does not bind is `failed`, and
 * so is an empty one the request lists as `established` (it is left empty).
 *
 * @example
 * ```ts
 * const outcomes = await migrateJob(env, { databases: ['4b1c…', '9e2d…'] }, systemClock);
 * // [{ database: '4b1c…', status: 'migrated', applied: ['0001_create_channels', …], version: '0019_…' }, …]
 * ```
 */
export async function migrateJob(env: SliceEnv, request: SliceJobRequest, clock: Clock): Promise<MigrateJobOutcome[]> {
  const budget = new JobBudget(clock, request.budgetMs);
  const established = new Set(request.established ?? []);
  const outcomes: MigrateJobOutcome[] = [];
  for (const database of request.databases) {
    const binding = sliceDatabase(env, database);
    if (!binding) {
      outcomes.push({ database, status: 'failed', applied: [], version: null, error: `database ${database} is not in this slice` });
      continue;
    }
    if (!budget.spend(1)) {
      outcomes.push({ database, status: 'not_started', applied: [], version: null });
      continue;
    }
    const migrator = new Migrator({ database: binding, migrations: waddleMigrations, now: clock });
    outcomes.push(await migrateOne(database, migrator, budget, established.has(database)));
  }
  return outcomes;
}

async function migrateOne(database: string, migrator: Migrator, budget: JobBudget, established: boolean): Promise<MigrateJobOutcome> {
  let status: Awaited<ReturnType<Migrator['getStatus']>>;
  try {
    status = await migrator.getStatus();
  } catch (error) {
    return { database, status: 'failed', applied: [], version: null, error: messageOf(error) };
  }
  if (established && status.version === null) {
    const error = 'the directory records a schema version but the database is empty: it is missing or was replaced';
    return { database, status: 'failed', applied: [], version: null, error };
  }
  if (status.pending.length === 0 && status.unknown.length === 0)
    return { database, status: 'current', applied: [], version: status.version };
  // migrateToLatest reads the status once more, then sends one batch per pending migration.
  if (!budget.spend(1 + status.pending.length)) return { database, status: 'not_started', applied: [], version: status.version };
  const { error, results } = await migrator.migrateToLatest();
  const applied = results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
  const version = applied.at(-1) ?? status.version;
  return error
    ? { database, status: 'failed', applied, version, error: messageOf(error) }
    : { database, status: applied.length > 0 ? 'migrated' : 'current', applied, version };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
