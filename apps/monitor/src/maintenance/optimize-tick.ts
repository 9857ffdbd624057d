import type { D1DatabaseLike } from '@waddle/d1/database';
import { UnreachableDatabaseError } from '@waddle/registry/waddle-database-resolver';
import { runBatch } from '@waddle/d1/run-batch';
import { openCentralDatabase } from '../central/central-database.ts';
import { countQueries } from '../central/query-counter.ts';
import type { MonitorConfig } from '../config/monitor-config.ts';
import { mapConcurrently } from '../map-concurrently.ts';
import type { MonitorDependencies } from '../monitor-dependencies.ts';
import { IDS_PER_LOOKUP } from '../sampling/recent-size-fits.ts';
import { nextRegistryStep, saveRegistryCursor } from '../sampling/registry-walk.ts';
import { reachDatabase } from '@waddle/registry/reach-database';
import type { WatchedDatabase } from '../sampling/watched-database.ts';

/** `monitored_databases` rows per statement after an optimize pass: 5 columns. */
const OPTIMIZED_ROWS_PER_STATEMENT = 20;

/** What one optimize tick did. */
export interface OptimizeTickReport {
  readonly optimized: readonly string[];
  readonly failed: readonly { readonly d1DatabaseId: string; readonly error: string }[];
  /** Databases of the step optimized recently enough to be left alone. */
  readonly notDue: number;
  readonly queries: number;
  readonly nextCursor: number;
}

/**
 * The most databases of the directory one optimize tick takes within `maxQueries`: per database one
 * `PRAGMA optimize` and a share of the statements that record it, besides the cursor, the directory
 * page, the central database and the lookups of when each was last optimized.
 */
export function databasesPerOptimizeTick(maxQueries: number): number {
  const cost = (waddles: number) =>
    2 + (waddles + 1) + Math.ceil((waddles + 1) / IDS_PER_LOOKUP) + Math.ceil((waddles + 1) / OPTIMIZED_ROWS_PER_STATEMENT) + 1;
  let waddles = 0;
  while (cost(waddles + 1) <= maxQueries) waddles += 1;
  return waddles;
}

/**
 * One tick of maintenance, on the slower cron: runs `PRAGMA optimize` (allowed on D1, unlike
 * `VACUUM`) on the central database and the next databases of the directory whose last optimize is
 * older than `optimizeIntervalHours`, walking the directory with its own cursor so a large one is covered
 * over several ticks; records when each was optimized, or why it failed.
 *
 * ```sql
 * SELECT after_database_id FROM monitor_cursors WHERE name = 'optimize';
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 *   WHERE d.id > ? ORDER BY d.id LIMIT ?;
 * SELECT d1_database_id, optimized_at FROM monitored_databases WHERE d1_database_id IN (…);
 * PRAGMA optimize; -- on each database that is due
 * INSERT INTO monitored_databases (d1_database_id, waddle_id, name, optimized_at, optimize_error) VALUES (…), …
 *   ON CONFLICT (d1_database_id) DO UPDATE SET optimized_at = coalesce(excluded.optimized_at, optimized_at), optimize_error = excluded.optimize_error;
 * INSERT INTO monitor_cursors (…) VALUES ('optimize', ?, ?) ON CONFLICT (name) DO UPDATE SET …;
 * ```
 *
 * @example
 * ```ts
 * await runOptimizeTick(env.CENTRAL_DB, monitorDependencies(env), monitorConfig(env));
 * ```
 */
export async function runOptimizeTick(
  centralD1: D1DatabaseLike,
  dependencies: MonitorDependencies,
  config: MonitorConfig,
): Promise<OptimizeTickReport> {
  const counter = { queries: 0 };
  const counted = countQueries(centralD1, counter);
  const central = openCentralDatabase(counted);
  const step = await nextRegistryStep(central, 'optimize', databasesPerOptimizeTick(config.maxQueriesPerTick));
  const centralDatabase: WatchedDatabase = { d1DatabaseId: config.centralDatabaseId, d1Binding: null, waddleId: null, name: 'central' };
  const watched = [centralDatabase, ...step.databases];

  const lastOptimized = new Map<string, number | null>();
  for (let start = 0; start < watched.length; start += IDS_PER_LOOKUP) {
    const rows = await central.db
      .selectFrom('monitored_databases')
      .select(['d1_database_id', 'optimized_at'])
      .where(
        'd1_database_id',
        'in',
        watched.slice(start, start + IDS_PER_LOOKUP).map((w) => w.d1DatabaseId),
      )
      .execute();
    for (const row of rows) lastOptimized.set(row.d1_database_id, row.optimized_at);
  }
  const now = dependencies.now();
  const dueBefore = now - config.optimizeIntervalHours * 3_600_000;
  const due = watched.filter((w) => (lastOptimized.get(w.d1DatabaseId) ?? 0) <= dueBefore);

  const outcomes = await mapConcurrently(due, 6, async (database) => {
    const d1 = database === centralDatabase ? centralD1 : reachDatabase(dependencies.connectors, database);
    if (!d1) return { database, error: new UnreachableDatabaseError(database.waddleId ?? 0, database).message };
    try {
      await countQueries(d1, counter).prepare('PRAGMA optimize').run();
      return { database, error: null };
    } catch (error) {
      return { database, error: (error instanceof Error ? error.message : String(error)).slice(0, 1024) };
    }
  });

  const rows = outcomes.map(({ database, error }) => ({
    d1_database_id: database.d1DatabaseId,
    waddle_id: database.waddleId,
    name: database.name,
    optimized_at: error === null ? now : null,
    optimize_error: error,
  }));
  const statements = [];
  for (let start = 0; start < rows.length; start += OPTIMIZED_ROWS_PER_STATEMENT) {
    statements.push(
      central.db
        .insertInto('monitored_databases')
        .values(rows.slice(start, start + OPTIMIZED_ROWS_PER_STATEMENT))
        .onConflict((conflict) =>
          conflict.column('d1_database_id').doUpdateSet((eb) => ({
            optimized_at: eb.fn.coalesce('excluded.optimized_at', 'monitored_databases.optimized_at'),
            optimize_error: eb.ref('excluded.optimize_error'),
          })),
        ),
    );
  }
  await runBatch(central, [...statements, saveRegistryCursor(central, 'optimize', step.nextCursor, now)]);

  return {
    optimized: outcomes.filter((o) => o.error === null).map((o) => o.database.d1DatabaseId),
    failed: outcomes.flatMap((o) => (o.error === null ? [] : [{ d1DatabaseId: o.database.d1DatabaseId, error: o.error }])),
    notDue: watched.length - due.length,
    queries: counter.queries,
    nextCursor: step.nextCursor,
  };
}
