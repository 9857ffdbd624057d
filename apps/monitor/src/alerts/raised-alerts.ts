import type { CentralDatabase } from '../central/central-database.ts';
import { IDS_PER_LOOKUP } from '../sampling/recent-size-fits.ts';
import type { AlertLevel } from './required-alerts.ts';

/**
 * The alert levels currently raised for each of the databases, through the primary key, one query
 * per {@link IDS_PER_LOOKUP} databases.
 *
 * ```sql
 * SELECT d1_database_id, level FROM size_alert_states WHERE d1_database_id IN (?, …);
 * ```
 *
 * @example
 * ```ts
 * const raised = await raisedAlerts(central, ['db-1']); // Map { 'db-1' => Set { 'warning' } }
 * ```
 */
export async function raisedAlerts(central: CentralDatabase, d1DatabaseIds: readonly string[]): Promise<Map<string, Set<AlertLevel>>> {
  const raised = new Map(d1DatabaseIds.map((id) => [id, new Set<AlertLevel>()]));
  for (let start = 0; start < d1DatabaseIds.length; start += IDS_PER_LOOKUP) {
    const rows = await central.db
      .selectFrom('size_alert_states')
      .select(['d1_database_id', 'level'])
      .where('d1_database_id', 'in', d1DatabaseIds.slice(start, start + IDS_PER_LOOKUP))
      .execute();
    for (const row of rows) raised.get(row.d1_database_id)?.add(row.level);
  }
  return raised;
}
