import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely, statementOf } from './directory-kysely.ts';

/**
 * Where the data path reaches a database: through `binding` of the slice Worker `slice`; with no
 * slice, through the static binding `binding` of the platform's own Workers; with neither, only
 * through the REST API.
 */
export interface DatabaseReach {
  readonly slice: string | null;
  readonly binding: string | null;
}

/**
 * The statement that records where the data path reaches a database (after a slice was uploaded
 * with its binding, say), stamped `now`. A slice without a binding is refused by the table's
 * `CHECK`, two databases on one binding of a slice by its unique index.
 *
 * ```sql
 * UPDATE databases SET slice = ?, binding = ?, updated_at = ? WHERE d1_database_id = ?
 * ```
 */
export function assignReachQuery(d1DatabaseId: string, reach: DatabaseReach, now: number) {
  return directoryKysely
    .updateTable('databases')
    .set({ slice: reach.slice, binding: reach.binding, updated_at: now })
    .where('d1_database_id', '=', d1DatabaseId);
}

/**
 * Records where the data path reaches a database ({@link assignReachQuery}); whether the
 * directory has it.
 *
 * ```sql
 * UPDATE databases SET slice = ?, binding = ?, updated_at = ? WHERE d1_database_id = ?
 * ```
 *
 * @example
 * ```ts
 * await assignReach(central, d1DatabaseId, { slice: 'slice-0003', binding: 'DB_17' }, clock());
 * ```
 */
export async function assignReach(central: D1DatabaseLike, d1DatabaseId: string, reach: DatabaseReach, now: number): Promise<boolean> {
  const { meta } = await statementOf(central, assignReachQuery(d1DatabaseId, reach, now)).run();
  return (meta.changes ?? 0) > 0;
}
