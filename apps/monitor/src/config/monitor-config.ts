import { DEFAULT_SHARD_THRESHOLD_BYTES } from '@waddle/provisioning/message-shard-threshold';

/** A monitor setting from the environment that is missing or out of range. */
export class InvalidMonitorConfigError extends Error {
  override readonly name = 'InvalidMonitorConfigError';
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.variable = variable;
  }
}

/** What the monitor is configured to do, read from the Worker's `vars` and secrets. */
export interface MonitorConfig {
  /** The D1 id of the central database, under which its samples are stored. */
  readonly centralDatabaseId: string;
  /** D1's size limit for one database (10 GB). */
  readonly sizeLimitBytes: number;
  readonly warningPercent: number;
  readonly criticalPercent: number;
  /**
   * A raised level is cleared only once the size falls this many points below its threshold, so a
   * database hovering at a threshold does not alert on every small swing.
   */
  readonly alertClearMarginPercent: number;
  /** How many days of samples the growth is fitted over. */
  readonly projectionWindowDays: number;
  /** A database projected to be full within this many days raises the warning early. */
  readonly projectionHorizonDays: number;
  /** Samples older than this are deleted as their database is sampled again (at least the projection window). */
  readonly sampleRetentionDays: number;
  /** D1 queries one sampling or optimize invocation may send, central queries included (D1 allows 1,000). */
  readonly maxQueriesPerTick: number;
  /** How often each database gets `PRAGMA optimize`. */
  readonly optimizeIntervalHours: number;
  /** The cron expression (one of `triggers.crons`) that runs the optimize pass instead of sampling. */
  readonly optimizeCron: string;
  /** Where alerts are POSTed; `null` records them in the audit log only. */
  readonly alertWebhookUrl: string | null;
  /** R2 list calls one sampling tick may make to count attachment bytes (each lists up to 1,000 objects). */
  readonly attachmentListCallsPerTick: number;
  /**
   * The size at which a waddle's message-taking database (its primary, or its active shard) gets a
   * new message shard: when its last sample passes it, or its growth reaches it within
   * `projectionHorizonDays`. Below `sizeLimitBytes`.
   */
  readonly shardThresholdBytes: number;
  /** The cron expression (one of `triggers.crons`) that runs the shard pass (opening and resuming message shards). */
  readonly shardCron: string;
}

/** The environment variables {@link monitorConfig} reads. Numbers may come as numbers or strings. */
export interface MonitorConfigEnv {
  readonly CENTRAL_D1_DATABASE_ID?: string;
  readonly SIZE_LIMIT_BYTES?: string | number;
  readonly WARNING_PERCENT?: string | number;
  readonly CRITICAL_PERCENT?: string | number;
  readonly ALERT_CLEAR_MARGIN_PERCENT?: string | number;
  readonly PROJECTION_WINDOW_DAYS?: string | number;
  readonly PROJECTION_HORIZON_DAYS?: string | number;
  readonly SAMPLE_RETENTION_DAYS?: string | number;
  readonly MAX_QUERIES_PER_TICK?: string | number;
  readonly OPTIMIZE_INTERVAL_HOURS?: string | number;
  readonly OPTIMIZE_CRON?: string;
  readonly ALERT_WEBHOOK_URL?: string;
  readonly ATTACHMENT_LIST_CALLS_PER_TICK?: string | number;
  readonly SHARD_THRESHOLD_BYTES?: string | number;
  readonly SHARD_CRON?: string;
}

/** D1's limit of queries per Worker invocation. */
export const D1_QUERIES_PER_INVOCATION = 1000;

/**
 * Reads and checks the monitor's settings. Defaults: a 10 GB limit, warning at 80 %, critical at
 * 90 %, growth fitted over 7 days, an early warning when full within 14 days, samples kept 90
 * days, 900 queries per tick, `PRAGMA optimize` every 24 hours on the `45 * * * *` cron, 20 R2
 * list calls per tick to count attachment bytes, a new message shard at
 * `DEFAULT_SHARD_THRESHOLD_BYTES` (400 MB), the shard pass every 10 minutes.
 *
 * @throws {InvalidMonitorConfigError} naming the variable, when a value is not usable.
 *
 * @example
 * ```ts
 * const config = monitorConfig(env);
 * const warningBytes = (config.sizeLimitBytes * config.warningPercent) / 100;
 * ```
 */
export function monitorConfig(env: MonitorConfigEnv): MonitorConfig {
  const warningPercent = numberVar(env, 'WARNING_PERCENT', 80, { min: 1, max: 100 });
  const criticalPercent = numberVar(env, 'CRITICAL_PERCENT', 90, { min: 1, max: 100 });
  if (criticalPercent <= warningPercent)
    throw new InvalidMonitorConfigError('CRITICAL_PERCENT', `must be above WARNING_PERCENT (${warningPercent})`);
  const projectionWindowDays = numberVar(env, 'PROJECTION_WINDOW_DAYS', 7, { min: 1, max: 90 });
  const sampleRetentionDays = numberVar(env, 'SAMPLE_RETENTION_DAYS', 90, { min: 1, max: 3650 });
  if (sampleRetentionDays < projectionWindowDays)
    throw new InvalidMonitorConfigError('SAMPLE_RETENTION_DAYS', `must cover PROJECTION_WINDOW_DAYS (${projectionWindowDays})`);
  const sizeLimitBytes = numberVar(env, 'SIZE_LIMIT_BYTES', 10_000_000_000, { min: 1, max: Number.MAX_SAFE_INTEGER });
  const shardThresholdBytes = numberVar(env, 'SHARD_THRESHOLD_BYTES', DEFAULT_SHARD_THRESHOLD_BYTES, {
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  });
  if (shardThresholdBytes >= sizeLimitBytes)
    throw new InvalidMonitorConfigError('SHARD_THRESHOLD_BYTES', `must be below SIZE_LIMIT_BYTES (${sizeLimitBytes})`);
  const webhook = env.ALERT_WEBHOOK_URL?.trim() || null;
  if (webhook !== null && !URL.canParse(webhook)) throw new InvalidMonitorConfigError('ALERT_WEBHOOK_URL', 'is not a URL');
  return {
    centralDatabaseId: env.CENTRAL_D1_DATABASE_ID?.trim() || 'central',
    sizeLimitBytes,
    warningPercent,
    criticalPercent,
    alertClearMarginPercent: numberVar(env, 'ALERT_CLEAR_MARGIN_PERCENT', 2, { min: 0, max: 50 }),
    projectionWindowDays,
    projectionHorizonDays: numberVar(env, 'PROJECTION_HORIZON_DAYS', 14, { min: 0, max: 365 }),
    sampleRetentionDays,
    maxQueriesPerTick: numberVar(env, 'MAX_QUERIES_PER_TICK', 900, { min: 20, max: D1_QUERIES_PER_INVOCATION }),
    optimizeIntervalHours: numberVar(env, 'OPTIMIZE_INTERVAL_HOURS', 24, { min: 1, max: 24 * 30 }),
    optimizeCron: env.OPTIMIZE_CRON?.trim() || '45 * * * *',
    alertWebhookUrl: webhook,
    attachmentListCallsPerTick: numberVar(env, 'ATTACHMENT_LIST_CALLS_PER_TICK', 20, { min: 1, max: 500 }),
    shardThresholdBytes,
    shardCron: env.SHARD_CRON?.trim() || '*/10 * * * *',
  };
}

function numberVar(env: MonitorConfigEnv, name: keyof MonitorConfigEnv, fallback: number, range: { min: number; max: number }): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new InvalidMonitorConfigError(name, `expected a number from ${range.min} to ${range.max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
