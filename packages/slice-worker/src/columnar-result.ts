import type { SliceResult } from './slice-protocol.ts';

/**
 * A D1 result as a slice sends it: the rows as arrays under their column names, given once,
 * instead of one object per row repeating every name (for a page of 50 messages about half the
 * bytes of the answer, which is JSON written by the slice and parsed by the caller on every call).
 * `success` and `meta` travel as the binding gave them.
 */
export interface ColumnarResult {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
  readonly success: boolean;
  readonly meta: SliceResult['meta'];
}

/**
 * `result` (a `D1Result` as the binding gave it) with its rows as arrays under their column names.
 * D1 gives every row of one statement the same columns in the same order, so the first row's
 * names are every row's; a result without rows has no columns.
 */
export function toColumnarResult(result: D1Result<Record<string, unknown>>): ColumnarResult {
  const [first] = result.results;
  const columns = first === undefined ? [] : Object.keys(first);
  return {
    columns,
    rows: result.results.map((row) => columns.map((column) => row[column])),
    success: result.success,
    meta: result.meta as SliceResult['meta'],
  };
}

/**
 * The `D1Result` a {@link ColumnarResult} stands for: one object per row, keyed by the column
 * names, as the binding gave it. An answer that already carries `results` (a slice uploaded
 * before slices answered in columns, still serving until its next upload) is returned as it came,
 * so a deploy of the callers never waits for every slice to be uploaded again.
 */
export function fromColumnarResult<T>(answer: ColumnarResult | D1Result<T>): D1Result<T> {
  if (!('columns' in answer)) return answer;
  const { columns } = answer;
  const results = answer.rows.map((values) => {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < columns.length; index++) row[columns[index] as string] = values[index];
    return row as T;
  });
  return { results, success: answer.success, meta: answer.meta } as D1Result<T>;
}
