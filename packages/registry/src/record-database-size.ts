import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely, statementOf } from './directory-kysely.ts';

/** A database's size as D1 reported it (`meta.size_after`). */
export interface DatabaseSize {
  readonly d1DatabaseId: string;
  readonly sizeBytes: number;
}

/** Sizes per statement of {@link recordDatabaseSizesQueries}: 3 bound parameters each, under D1's 100. */
export const SIZES_PER_STATEMENT = 32;

/**
 * The statements that record the sizes measured at `measuredAt` in the directory,
 * {@link SIZES_PER_STATEMENT} databases per statement, for the caller's batch (the monitor stores
 * them with its samples, atomically).
 *
 * ```sql
 * UPDATE databases SET size_bytes = CASE d1_database_id WHEN ? THEN ? … END, size_measured_at = ?, updated_at = ?
 *   WHERE d1_database_id IN (?, …);   -- per 32 databases
 * ```
 */
export function recordDatabaseSizesQueries(sizes: readonly DatabaseSize[], measuredAt: number) {
  const queries = [];
  for (let start = 0; start < sizes.length; start += SIZES_PER_STATEMENT) {
    const chunk = sizes.slice(start, start + SIZES_PER_STATEMENT);
    queries.push(
      directoryKysely
        .updateTable('databases')
        .set((eb) => {
          let size = eb.case('d1_database_id').when(chunk[0]!.d1DatabaseId).then(chunk[0]!.sizeBytes);
          for (const { d1DatabaseId, sizeBytes } of chunk.slice(1)) size = size.when(d1DatabaseId).then(sizeBytes);
          return { size_bytes: size.end(), size_measured_at: measuredAt, updated_at: measuredAt };
        })
        .where(
          'd1_database_id',
          'in',
          chunk.map((s) => s.d1DatabaseId),
        ),
    );
  }
  return queries;
}

/**
 * Records sizes measured at `measuredAt` in the directory, in one batch
 * ({@link recordDatabaseSizesQueries}).
 *
 * ```sql
 * UPDATE databases SET size_bytes = CASE d1_database_id WHEN ? THEN ? … END, size_measured_at = ?, updated_at = ?
 *   WHERE d1_database_id IN (?, …);   -- per 32 databases
 * ```
 *
 * @example
 * ```ts
 * await recordDatabaseSizes(central, [{ d1DatabaseId, sizeBytes: result.meta.size_after }], clock());
 * ```
 */
export async function recordDatabaseSizes(central: D1DatabaseLike, sizes: readonly DatabaseSize[], measuredAt: number): Promise<void> {
  if (sizes.length === 0) return;
  await central.batch(recordDatabaseSizesQueries(sizes, measuredAt).map((query) => statementOf(central, query)));
}
