import type { SectionPage } from '../job-section.ts';

/**
 * A section's page of rows read in key order, `limit` at most, as archive records of `type`:
 * the next page starts after the last row's key; a short page is the last. Runs no SQL.
 *
 * @example
 * ```ts
 * return keyedPage(rows, 500, 'read_state', waddleId, (row) => [row.channel_id]);
 * ```
 */
export function keyedPage<Row extends Readonly<Record<string, unknown>>>(
  rows: readonly Row[],
  limit: number,
  type: string,
  waddleId: number | null,
  keyOf: (row: Row) => readonly unknown[],
  decode: (row: Row) => Readonly<Record<string, unknown>> = (row) => row,
): SectionPage {
  const last = rows.at(-1);
  return {
    rows: rows.length,
    records: rows.map((row) => ({ type, waddleId: waddleId ?? undefined, data: decode(row) })),
    next: rows.length < limit || !last ? null : keyOf(last),
  };
}
