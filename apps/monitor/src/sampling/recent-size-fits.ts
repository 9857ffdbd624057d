import { sql } from 'kysely';
import type { CentralDatabase } from '../central/central-database.ts';
import { emptyFitSums, type SizeFitSums } from './size-trend.ts';

/** Database ids per lookup: D1 binds at most 100 parameters to a statement. */
export const IDS_PER_LOOKUP = 90;

/**
 * The fit sums of each database's stored samples since `sinceMs`, computed by SQLite over the
 * primary key (one row per database, whatever the number of samples), one query per
 * {@link IDS_PER_LOOKUP} databases. x is in days since `sinceMs`.
 *
 * ```sql
 * SELECT d1_database_id, count(*) AS count, sum((sampled_at - ?) / 86400000.0) AS sum_x, sum(size_bytes) AS sum_y,
 *        sum(((sampled_at - ?) / 86400000.0) * ((sampled_at - ?) / 86400000.0)) AS sum_xx,
 *        sum(((sampled_at - ?) / 86400000.0) * size_bytes) AS sum_xy,
 *        min(sampled_at) AS first_sampled_at, max(sampled_at) AS last_sampled_at
 *   FROM size_samples WHERE d1_database_id IN (?, …) AND sampled_at >= ? GROUP BY d1_database_id;
 * ```
 *
 * @example
 * ```ts
 * const fits = await recentSizeFits(central, ['db-1', 'db-2'], dependencies.now() - 7 * 86_400_000);
 * ```
 */
export async function recentSizeFits(
  central: CentralDatabase,
  d1DatabaseIds: readonly string[],
  sinceMs: number,
): Promise<Map<string, SizeFitSums>> {
  const fits = new Map(d1DatabaseIds.map((id) => [id, emptyFitSums(sinceMs)]));
  const x = sql<number>`((sampled_at - ${sinceMs}) / 86400000.0)`;
  for (let start = 0; start < d1DatabaseIds.length; start += IDS_PER_LOOKUP) {
    const rows = await central.db
      .selectFrom('size_samples')
      .select((eb) => [
        'd1_database_id',
        eb.fn.countAll<number>().as('count'),
        sql<number>`sum(${x})`.as('sum_x'),
        eb.fn.sum<number>('size_bytes').as('sum_y'),
        sql<number>`sum(${x} * ${x})`.as('sum_xx'),
        sql<number>`sum(${x} * size_bytes)`.as('sum_xy'),
        eb.fn.min<number>('sampled_at').as('first_sampled_at'),
        eb.fn.max<number>('sampled_at').as('last_sampled_at'),
      ])
      .where('d1_database_id', 'in', d1DatabaseIds.slice(start, start + IDS_PER_LOOKUP))
      .where('sampled_at', '>=', sinceMs)
      .groupBy('d1_database_id')
      .execute();
    for (const row of rows) {
      fits.set(row.d1_database_id, {
        originMs: sinceMs,
        count: row.count,
        sumX: row.sum_x,
        sumY: row.sum_y,
        sumXX: row.sum_xx,
        sumXY: row.sum_xy,
        firstSampledAt: row.first_sampled_at,
        lastSampledAt: row.last_sampled_at,
      });
    }
  }
  return fits;
}
