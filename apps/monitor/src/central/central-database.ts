import type { DB } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { openTypedDatabase, type TypedDatabase } from '@waddle/d1/typed-database';

/**
 * The central directory database as the monitor uses it: Kysely with the generated central
 * types for single queries, and the D1 database itself for `batch()` (`runBatch` of
 * `@waddle/d1/run-batch`: several statements atomically, in one round trip).
 */
export type CentralDatabase = TypedDatabase<DB>;

/**
 * Wraps the central D1 database (the Worker's `CENTRAL_DB`, or any {@link D1DatabaseLike}).
 *
 * @example
 * ```ts
 * const central = openCentralDatabase(env.CENTRAL_DB);
 * const rows = await central.db.selectFrom('monitored_databases').selectAll().execute();
 * ```
 */
export function openCentralDatabase(d1: D1DatabaseLike): CentralDatabase {
  return openTypedDatabase<DB>(d1);
}
