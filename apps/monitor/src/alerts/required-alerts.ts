import type { MonitorConfig } from '../config/monitor-config.ts';
import type { SizeTrend } from '../sampling/size-trend.ts';

export type AlertLevel = 'warning' | 'critical';
export type AlertReason = 'threshold' | 'projection';

/** An alert level a database is at, and why. */
export interface RequiredAlert {
  readonly level: AlertLevel;
  readonly reason: AlertReason;
}

/**
 * The alert levels a database of this size and trend is at: critical from `criticalPercent` of
 * the limit; warning from `warningPercent`, or earlier when the fitted growth fills it within
 * `projectionHorizonDays` (reason `projection`).
 *
 * @example
 * ```ts
 * requiredAlerts(8.5e9, { growthBytesPerDay: 0, daysToFull: null }, config); // [{ level: 'warning', reason: 'threshold' }]
 * ```
 */
export function requiredAlerts(sizeBytes: number, trend: SizeTrend, config: MonitorConfig): RequiredAlert[] {
  const percent = (sizeBytes / config.sizeLimitBytes) * 100;
  const alerts: RequiredAlert[] = [];
  if (percent >= config.warningPercent) alerts.push({ level: 'warning', reason: 'threshold' });
  else if (trend.daysToFull !== null && trend.daysToFull < config.projectionHorizonDays)
    alerts.push({ level: 'warning', reason: 'projection' });
  if (percent >= config.criticalPercent) alerts.push({ level: 'critical', reason: 'threshold' });
  return alerts;
}
