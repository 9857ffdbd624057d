import { requiredAlerts } from '../alerts/required-alerts.ts';
import type { CentralDatabase } from '../central/central-database.ts';
import type { MonitorConfig } from '../config/monitor-config.ts';
import { SIZE_ALERT_ACTION } from '../sampling/sampling-tick.ts';

/** One database as the dashboard shows it. */
export interface ListedDatabase {
  readonly d1DatabaseId: string;
  readonly name: string;
  readonly waddleId: number | null;
  readonly sizeBytes: number | null;
  /** Percent of the size limit, one decimal; null before the first sample. */
  readonly percentOfLimit: number | null;
  readonly growthBytesPerDay: number | null;
  readonly daysToFull: number | null;
  readonly sampledAt: number | null;
  readonly sampleAttemptedAt: number | null;
  /** Why the last sampling attempt failed, when it did. */
  readonly sampleError: string | null;
  readonly optimizedAt: number | null;
  readonly optimizeError: string | null;
  /** The level its latest sample is at. */
  readonly status: 'ok' | 'warning' | 'critical' | 'unknown';
  /** The alert levels raised for it now (sent, waiting for it to drop back). */
  readonly raisedAlerts: readonly ('warning' | 'critical')[];
  /** For a waddle's database: its attachments in the bucket as last counted, apart from `sizeBytes`; `null` before the first count. */
  readonly attachments: { readonly bytes: number; readonly objects: number; readonly countedAt: number } | null;
  /**
   * Its place among its waddle's message databases (the directory's shard map): `taking` (a primary
   * that still takes new messages, the waddle's only one), `active` (the shard that takes them),
   * `sealed`, or `opening` (a switch in progress), with the first message id of its range; null for
   * the central database and a database no waddle has.
   */
  readonly messageShard: {
    readonly waddleId: number;
    readonly state: 'taking' | 'active' | 'sealed' | 'opening';
    readonly firstMessageId: number;
    /** Percent of the shard threshold, one decimal, for the database that takes new messages (`taking`, `active`); else null. */
    readonly percentOfThreshold: number | null;
  } | null;
}

/** A size alert from the audit log. */
export interface SentAlert {
  readonly id: number;
  readonly at: number;
  readonly d1DatabaseId: string;
  readonly name: string;
  readonly level: 'warning' | 'critical';
  readonly reason: 'threshold' | 'projection';
  readonly percentOfLimit: number;
  readonly daysToFull: number | null;
  readonly delivery: 'delivered' | 'failed' | 'not-configured';
}

/**
 * Every monitored database, fullest first (never sampled last), with its level and raised alerts.
 *
 * ```sql
 * SELECT * FROM monitored_databases ORDER BY size_bytes DESC, d1_database_id;  -- monitored_databases_by_size
 * SELECT d1_database_id, level FROM size_alert_states;
 * SELECT waddle_id, bytes, objects, measured_at FROM attachment_usage;
 * SELECT d.d1_database_id, d.message_state, d.first_message_id, coalesce(d.shard_waddle_id, w.id) AS waddle_id
 *   FROM databases d LEFT JOIN waddles w ON w.primary_database_id = d.id WHERE d.shard_waddle_id IS NOT NULL OR w.id IS NOT NULL;
 * ```
 *
 * @example
 * ```ts
 * const databases = await listMonitoredDatabases(central, monitorConfig(env));
 * ```
 */
export async function listMonitoredDatabases(central: CentralDatabase, config: MonitorConfig): Promise<ListedDatabase[]> {
  const [rows, raised, usage, shards] = await Promise.all([
    central.db.selectFrom('monitored_databases').selectAll().orderBy('size_bytes', 'desc').orderBy('d1_database_id').execute(),
    central.db.selectFrom('size_alert_states').select(['d1_database_id', 'level']).execute(),
    central.db.selectFrom('attachment_usage').select(['waddle_id', 'bytes', 'objects', 'measured_at']).execute(),
    central.db
      .selectFrom('databases as d')
      .leftJoin('waddles as w', 'w.primary_database_id', 'd.id')
      .select((eb) => [
        'd.d1_database_id',
        'd.message_state',
        'd.first_message_id',
        eb.fn.coalesce('d.shard_waddle_id', 'w.id').as('waddle_id'),
      ])
      .where((eb) => eb.or([eb('d.shard_waddle_id', 'is not', null), eb('w.id', 'is not', null)]))
      .execute(),
  ]);
  const shardOf = new Map(shards.map((shard) => [shard.d1_database_id, shard]));
  const attachmentsOf = new Map(usage.map((u) => [u.waddle_id, { bytes: u.bytes, objects: u.objects, countedAt: u.measured_at }]));
  return rows.map((row) => {
    const levels = requiredAlerts(
      row.size_bytes ?? 0,
      { growthBytesPerDay: row.growth_bytes_per_day, daysToFull: row.days_to_full },
      config,
    ).map((a) => a.level);
    return {
      d1DatabaseId: row.d1_database_id,
      name: row.name,
      waddleId: row.waddle_id,
      sizeBytes: row.size_bytes,
      percentOfLimit: row.size_bytes === null ? null : Math.round((row.size_bytes / config.sizeLimitBytes) * 1000) / 10,
      growthBytesPerDay: row.growth_bytes_per_day,
      daysToFull: row.days_to_full,
      sampledAt: row.sampled_at,
      sampleAttemptedAt: row.sample_attempted_at,
      sampleError: row.sample_error,
      optimizedAt: row.optimized_at,
      optimizeError: row.optimize_error,
      status:
        row.size_bytes === null ? 'unknown' : levels.includes('critical') ? 'critical' : levels.includes('warning') ? 'warning' : 'ok',
      raisedAlerts: raised.filter((r) => r.d1_database_id === row.d1_database_id).map((r) => r.level),
      attachments: row.waddle_id === null ? null : (attachmentsOf.get(row.waddle_id) ?? null),
      messageShard: messageShardOf(shardOf.get(row.d1_database_id), row.size_bytes, config),
    };
  });
}

function messageShardOf(
  shard: { message_state: string | null; first_message_id: number | null; waddle_id: number | null } | undefined,
  sizeBytes: number | null,
  config: MonitorConfig,
): ListedDatabase['messageShard'] {
  if (!shard || shard.waddle_id === null) return null;
  const state = (shard.message_state ?? 'taking') as 'taking' | 'active' | 'sealed' | 'opening';
  const takes = state === 'taking' || state === 'active';
  return {
    waddleId: shard.waddle_id,
    state,
    firstMessageId: shard.first_message_id ?? 1,
    percentOfThreshold: takes && sizeBytes !== null ? Math.round((sizeBytes / config.shardThresholdBytes) * 1000) / 10 : null,
  };
}

/**
 * The newest size alerts sent (or attempted), from the audit log.
 *
 * ```sql
 * SELECT id, created_at, resource_id, metadata FROM audit_log WHERE action = 'monitor.size_alert' ORDER BY id DESC LIMIT ?;  -- audit_log_by_action
 * ```
 */
export async function recentSizeAlerts(central: CentralDatabase, limit: number): Promise<SentAlert[]> {
  const rows = await central.db
    .selectFrom('audit_log')
    .select(['id', 'created_at', 'resource_id', 'metadata'])
    .where('action', '=', SIZE_ALERT_ACTION)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const alert = JSON.parse(row.metadata ?? '{}');
    return {
      id: row.id,
      at: row.created_at,
      d1DatabaseId: row.resource_id ?? '',
      name: alert.database?.name ?? row.resource_id ?? '',
      level: alert.level,
      reason: alert.reason,
      percentOfLimit: alert.percentOfLimit,
      daysToFull: alert.daysToFull ?? null,
      delivery: alert.delivery?.status ?? 'failed',
    };
  });
}
