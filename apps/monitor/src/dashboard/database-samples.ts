import type { CentralDatabase } from '../central/central-database.ts';

/** A stored measurement. */
export interface SizeSample {
  readonly sampledAt: number;
  readonly sizeBytes: number;
}

/**
 * A database's samples since `sinceMs`, oldest first, thinned to at most `points` (evenly by
 * index, the newest always kept) so a chart never receives thousands of points.
 *
 * ```sql
 * SELECT sampled_at, size_bytes FROM size_samples WHERE d1_database_id = ? AND sampled_at >= ? ORDER BY sampled_at;  -- primary key
 * ```
 *
 * @example
 * ```ts
 * const samples = await databaseSamples(central, 'local-central', dependencies.now() - 7 * 86_400_000, 48);
 * ```
 */
export async function databaseSamples(
  central: CentralDatabase,
  d1DatabaseId: string,
  sinceMs: number,
  points: number,
): Promise<SizeSample[]> {
  const rows = await central.db
    .selectFrom('size_samples')
    .select(['sampled_at', 'size_bytes'])
    .where('d1_database_id', '=', d1DatabaseId)
    .where('sampled_at', '>=', sinceMs)
    .orderBy('sampled_at')
    .execute();
  const samples = rows.map((row) => ({ sampledAt: row.sampled_at, sizeBytes: row.size_bytes }));
  if (samples.length <= points) return samples;
  const stride = samples.length / points;
  const thinned = Array.from({ length: points - 1 }, (_, i) => samples[Math.floor(i * stride)]!);
  return [...thinned, samples.at(-1)!];
}
