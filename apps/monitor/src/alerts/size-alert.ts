import type { AlertLevel, AlertReason } from './required-alerts.ts';

/** The JSON body POSTed to the alert webhook, and kept in the audit log. */
export interface SizeAlert {
  readonly type: 'waddle.database_size';
  readonly level: AlertLevel;
  readonly reason: AlertReason;
  readonly database: { readonly d1DatabaseId: string; readonly name: string; readonly waddleId: number | null };
  readonly sizeBytes: number;
  readonly limitBytes: number;
  /** Size as a percentage of the limit, one decimal. */
  readonly percentOfLimit: number;
  /** The percentage the level starts at. */
  readonly thresholdPercent: number;
  readonly growthBytesPerDay: number | null;
  readonly daysToFull: number | null;
  /** ISO 8601. */
  readonly sampledAt: string;
  /** One line for humans (and chat webhooks that show `text`). */
  readonly text: string;
}

/**
 * Builds the alert for a database that reached a level.
 *
 * @example
 * ```ts
 * const alert = sizeAlert({ level: 'warning', reason: 'threshold', database, sizeBytes, limitBytes, thresholdPercent: 80, growthBytesPerDay: null, daysToFull: null, sampledAt: dependencies.now() });
 * ```
 */
export function sizeAlert(
  fields: Omit<SizeAlert, 'type' | 'percentOfLimit' | 'sampledAt' | 'text'> & { readonly sampledAt: number },
): SizeAlert {
  const percentOfLimit = Math.round((fields.sizeBytes / fields.limitBytes) * 1000) / 10;
  const days = fields.daysToFull === null ? '' : `, full in ${Math.round(fields.daysToFull * 10) / 10} days at the current growth`;
  const why =
    fields.reason === 'projection'
      ? `projected to reach the limit within the horizon${days}`
      : `at or above ${fields.thresholdPercent} % of the limit${days}`;
  return {
    type: 'waddle.database_size',
    ...fields,
    percentOfLimit,
    sampledAt: new Date(fields.sampledAt).toISOString(),
    text: `[${fields.level}] database ${fields.database.name} (${fields.database.d1DatabaseId}) is at ${percentOfLimit} % of ${formatBytes(fields.limitBytes)}: ${why}`,
  };
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${Math.round(bytes / 1e8) / 10} GB` : `${Math.round(bytes / 1e5) / 10} MB`;
}
