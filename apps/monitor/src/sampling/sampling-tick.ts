import type { D1DatabaseLike } from '@waddle/d1/database';
import { UnreachableDatabaseError } from '@waddle/registry/waddle-database-resolver';
import { recordDatabaseSizesQueries } from '@waddle/registry/record-database-size';
import type { Compilable } from 'kysely';
import { deliverSizeAlert, type AlertDelivery } from '../alerts/deliver-size-alert.ts';
import { raisedAlerts } from '../alerts/raised-alerts.ts';
import { type AlertLevel, requiredAlerts } from '../alerts/required-alerts.ts';
import { type SizeAlert, sizeAlert } from '../alerts/size-alert.ts';
import { runBatch } from '@waddle/d1/run-batch';
import { type CentralDatabase, openCentralDatabase } from '../central/central-database.ts';
import { countQueries } from '../central/query-counter.ts';
import type { MonitorConfig } from '../config/monitor-config.ts';
import { mapConcurrently } from '../map-concurrently.ts';
import type { MonitorDependencies } from '../monitor-dependencies.ts';
import { measureDatabaseSize } from './measure-database-size.ts';
import { recentSizeFits } from './recent-size-fits.ts';
import { nextRegistryStep, saveRegistryCursor } from './registry-walk.ts';
import { databasesPerSamplingTick, ROWS_PER_STATEMENT } from './sampling-plan.ts';
import { addToFit, type SizeTrend, sizeTrend } from './size-trend.ts';
import { reachDatabase } from '@waddle/registry/reach-database';
import type { WatchedDatabase } from './watched-database.ts';

/** The audit log action of a size alert raised (whether or not the webhook took it). */
export const SIZE_ALERT_ACTION = 'monitor.size_alert';
/** The audit log action of a size alert whose database dropped back below its level. */
export const SIZE_ALERT_CLEARED_ACTION = 'monitor.size_alert_cleared';

/** What one sampling tick did. */
export interface SamplingTickReport {
  readonly measured: readonly { readonly d1DatabaseId: string; readonly sizeBytes: number }[];
  readonly failed: readonly { readonly d1DatabaseId: string; readonly error: string }[];
  readonly alerts: readonly { readonly alert: SizeAlert; readonly delivery: AlertDelivery }[];
  readonly cleared: readonly { readonly d1DatabaseId: string; readonly level: AlertLevel }[];
  /** D1 queries sent, central ones included. */
  readonly queries: number;
  /** Where the next tick resumes in the registry (0: from the start). */
  readonly nextCursor: number;
}

interface Measurement {
  readonly database: WatchedDatabase;
  readonly sizeBytes?: number;
  readonly error?: string;
}

interface Evaluated {
  readonly database: WatchedDatabase;
  readonly sizeBytes: number;
  readonly trend: SizeTrend;
}

/**
 * One cron tick of size sampling. It measures the central database and the next databases of the
 * directory of databases (as many as fit in `maxQueriesPerTick`, resuming where the last tick stopped),
 * from D1's own `meta.size_after`; fits each database's growth over the projection window; sends
 * an alert to the webhook for each level a database newly reached (once per crossing); then stores
 * everything in one atomic batch: the samples (deleting the sampled databases' samples older than
 * the retention), each database's latest state (an unreachable database keeps its last size and
 * gets the error), each directory row's last measured size, the raised and cleared alerts with their
 * audit log entries, and the cursor.
 *
 * ```sql
 * SELECT after_database_id FROM monitor_cursors WHERE name = 'size-sampling';
 * SELECT d.*, w.id AS waddle_id, w.name AS waddle_name FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id
 *   WHERE d.id > ? ORDER BY d.id LIMIT ?;
 * SELECT 1; -- on each database
 * SELECT d1_database_id, count(*), sum(x), sum(size_bytes), … FROM size_samples WHERE d1_database_id IN (…) AND sampled_at >= ? GROUP BY d1_database_id;
 * SELECT d1_database_id, level FROM size_alert_states WHERE d1_database_id IN (…);
 * -- one batch:
 * INSERT INTO size_samples (d1_database_id, sampled_at, size_bytes) VALUES (…), …;
 * INSERT INTO monitored_databases (…) VALUES (…), … ON CONFLICT (d1_database_id) DO UPDATE SET …;
 * UPDATE databases SET size_bytes = CASE d1_database_id WHEN ? THEN ? … END, size_measured_at = ?, updated_at = ?
 *   WHERE d1_database_id IN (…);   -- per 32 databases
 * DELETE FROM size_samples WHERE d1_database_id IN (…) AND sampled_at < ?;
 * INSERT INTO size_alert_states (…) VALUES (…), …;
 * DELETE FROM size_alert_states WHERE level = ? AND d1_database_id IN (…);
 * INSERT INTO audit_log (action, resource_type, resource_id, metadata, created_at) VALUES (…), …;
 * INSERT INTO monitor_cursors (…) VALUES ('size-sampling', ?, ?) ON CONFLICT (name) DO UPDATE SET …;
 * ```
 *
 * @example
 * ```ts
 * const report = await runSamplingTick(env.CENTRAL_DB, monitorDependencies(env), monitorConfig(env));
 * ```
 */
export async function runSamplingTick(
  centralD1: D1DatabaseLike,
  dependencies: MonitorDependencies,
  config: MonitorConfig,
): Promise<SamplingTickReport> {
  const counter = { queries: 0 };
  const counted = countQueries(centralD1, counter);
  const central = openCentralDatabase(counted);
  const step = await nextRegistryStep(central, 'size-sampling', databasesPerSamplingTick(config.maxQueriesPerTick));
  const centralDatabase: WatchedDatabase = { d1DatabaseId: config.centralDatabaseId, d1Binding: null, waddleId: null, name: 'central' };
  const watched = [centralDatabase, ...step.databases];

  const measurements = await mapConcurrently(watched, 6, async (database): Promise<Measurement> => {
    const d1 = database === centralDatabase ? centralD1 : reachDatabase(dependencies.connectors, database);
    if (!d1) return { database, error: new UnreachableDatabaseError(database.waddleId ?? 0, database).message };
    try {
      return { database, sizeBytes: await measureDatabaseSize(countQueries(d1, counter)) };
    } catch (error) {
      return { database, error: (error instanceof Error ? error.message : String(error)).slice(0, 1024) };
    }
  });
  const sampledAt = dependencies.now();
  const measured = measurements.filter((m): m is Measurement & { sizeBytes: number } => m.sizeBytes !== undefined);
  const failed = measurements.filter((m): m is Measurement & { error: string } => m.error !== undefined);

  const ids = measured.map((m) => m.database.d1DatabaseId);
  const fits = await recentSizeFits(central, ids, sampledAt - config.projectionWindowDays * 86_400_000);
  const raised = await raisedAlerts(central, ids);
  const evaluated: Evaluated[] = measured.map(({ database, sizeBytes }) => ({
    database,
    sizeBytes,
    trend: sizeTrend(addToFit(fits.get(database.d1DatabaseId)!, { sampledAt, sizeBytes }), sizeBytes, config.sizeLimitBytes),
  }));

  const toRaise: SizeAlert[] = [];
  const toClear: { d1DatabaseId: string; level: AlertLevel; sizeBytes: number }[] = [];
  for (const { database, sizeBytes, trend } of evaluated) {
    const required = requiredAlerts(sizeBytes, trend, config);
    const already = raised.get(database.d1DatabaseId)!;
    for (const { level, reason } of required.filter((r) => !already.has(r.level))) {
      toRaise.push(
        sizeAlert({
          level,
          reason,
          database: { d1DatabaseId: database.d1DatabaseId, name: database.name, waddleId: database.waddleId },
          sizeBytes,
          limitBytes: config.sizeLimitBytes,
          thresholdPercent: level === 'critical' ? config.criticalPercent : config.warningPercent,
          growthBytesPerDay: trend.growthBytesPerDay,
          daysToFull: trend.daysToFull,
          sampledAt,
        }),
      );
    }
    const percent = (sizeBytes / config.sizeLimitBytes) * 100;
    for (const level of (['warning', 'critical'] as const).filter((l) => already.has(l))) {
      const threshold = level === 'critical' ? config.criticalPercent : config.warningPercent;
      const fellClear = percent < threshold - config.alertClearMarginPercent;
      if (!required.some((r) => r.level === level) && fellClear) toClear.push({ d1DatabaseId: database.d1DatabaseId, level, sizeBytes });
    }
  }
  const alerts = await mapConcurrently(toRaise, 6, async (alert) => ({
    alert,
    delivery: await deliverSizeAlert(dependencies.fetch, config.alertWebhookUrl, alert),
  }));

  await runBatch(central, [
    ...chunks(evaluated, ROWS_PER_STATEMENT.samples).map((rows) =>
      central.db
        .insertInto('size_samples')
        .values(rows.map((row) => ({ d1_database_id: row.database.d1DatabaseId, sampled_at: sampledAt, size_bytes: row.sizeBytes }))),
    ),
    ...chunks(evaluated, ROWS_PER_STATEMENT.measured).map((rows) => upsertMeasured(central, rows, sampledAt)),
    ...chunks(failed, ROWS_PER_STATEMENT.failed).map((rows) => upsertFailed(central, rows, sampledAt)),
    ...recordDatabaseSizesQueries(
      evaluated
        .filter((row) => row.database !== centralDatabase)
        .map((row) => ({ d1DatabaseId: row.database.d1DatabaseId, sizeBytes: row.sizeBytes })),
      sampledAt,
    ),
    ...chunks(ids, ROWS_PER_STATEMENT.pruned).map((prunedIds) =>
      central.db
        .deleteFrom('size_samples')
        .where('d1_database_id', 'in', prunedIds)
        .where('sampled_at', '<', sampledAt - config.sampleRetentionDays * 86_400_000),
    ),
    ...chunks(
      alerts.filter(({ delivery }) => delivery.status !== 'failed'),
      ROWS_PER_STATEMENT.raised,
    ).map((rows) =>
      central.db.insertInto('size_alert_states').values(
        rows.map(({ alert }) => ({
          d1_database_id: alert.database.d1DatabaseId,
          level: alert.level,
          reason: alert.reason,
          raised_at: sampledAt,
          size_bytes: alert.sizeBytes,
        })),
      ),
    ),
    ...(['warning', 'critical'] as const).flatMap((level) =>
      chunks(
        toClear.filter((c) => c.level === level).map((c) => c.d1DatabaseId),
        ROWS_PER_STATEMENT.cleared,
      ).map((clearedIds) =>
        central.db.deleteFrom('size_alert_states').where('level', '=', level).where('d1_database_id', 'in', clearedIds),
      ),
    ),
    ...chunks(
      [
        ...alerts.map(({ alert, delivery }) => ({
          action: SIZE_ALERT_ACTION,
          id: alert.database.d1DatabaseId,
          metadata: { ...alert, delivery },
        })),
        ...toClear.map((c) => ({
          action: SIZE_ALERT_CLEARED_ACTION,
          id: c.d1DatabaseId,
          metadata: { level: c.level, sizeBytes: c.sizeBytes, limitBytes: config.sizeLimitBytes },
        })),
      ],
      ROWS_PER_STATEMENT.audit,
    ).map((rows) =>
      central.db.insertInto('audit_log').values(
        rows.map((row) => ({
          action: row.action,
          resource_type: 'd1_database',
          resource_id: row.id,
          metadata: JSON.stringify(row.metadata),
          created_at: sampledAt,
        })),
      ),
    ),
    saveRegistryCursor(central, 'size-sampling', step.nextCursor, sampledAt),
  ]);

  return {
    measured: measured.map((m) => ({ d1DatabaseId: m.database.d1DatabaseId, sizeBytes: m.sizeBytes })),
    failed: failed.map((f) => ({ d1DatabaseId: f.database.d1DatabaseId, error: f.error })),
    alerts,
    cleared: toClear.map(({ d1DatabaseId, level }) => ({ d1DatabaseId, level })),
    queries: counter.queries,
    nextCursor: step.nextCursor,
  };
}

function upsertMeasured(central: CentralDatabase, rows: readonly Evaluated[], sampledAt: number): Compilable {
  return central.db
    .insertInto('monitored_databases')
    .values(
      rows.map(({ database, sizeBytes, trend }) => ({
        d1_database_id: database.d1DatabaseId,
        waddle_id: database.waddleId,
        name: database.name,
        size_bytes: sizeBytes,
        sampled_at: sampledAt,
        growth_bytes_per_day: trend.growthBytesPerDay,
        days_to_full: trend.daysToFull,
        sample_attempted_at: sampledAt,
        sample_error: null,
      })),
    )
    .onConflict((conflict) =>
      conflict.column('d1_database_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        size_bytes: eb.ref('excluded.size_bytes'),
        sampled_at: eb.ref('excluded.sampled_at'),
        growth_bytes_per_day: eb.ref('excluded.growth_bytes_per_day'),
        days_to_full: eb.ref('excluded.days_to_full'),
        sample_attempted_at: eb.ref('excluded.sample_attempted_at'),
        sample_error: null,
      })),
    );
}

function upsertFailed(central: CentralDatabase, rows: readonly (Measurement & { error: string })[], attemptedAt: number): Compilable {
  return central.db
    .insertInto('monitored_databases')
    .values(
      rows.map(({ database, error }) => ({
        d1_database_id: database.d1DatabaseId,
        waddle_id: database.waddleId,
        name: database.name,
        sample_attempted_at: attemptedAt,
        sample_error: error,
      })),
    )
    .onConflict((conflict) =>
      conflict.column('d1_database_id').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        sample_attempted_at: eb.ref('excluded.sample_attempted_at'),
        sample_error: eb.ref('excluded.sample_error'),
      })),
    );
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
