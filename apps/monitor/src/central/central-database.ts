import type { DB } from '@waddle/central-schema/database';
import type { D1DatabaseLike, D1ResultLike } from '@waddle/d1/database';
import { type Compilable, Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';

/**
 * The central directory database as the monitor uses it: Kysely for building and running single
 * queries, and the D1 database itself for `batch()` (several statements atomically, in one round
 * trip).
 */
export interface CentralDatabase {
  readonly db: Kysely<DB>;
  readonly d1: D1DatabaseLike;
}

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
  return { d1, db: new Kysely<DB>({ dialect: new D1Dialect({ database: d1 as unknown as D1Database }) }) };
}

/**
 * Compiles Kysely queries and runs them as one D1 `batch()`: atomically, in one round trip. An
 * empty list sends nothing.
 */
export async function runCentralBatch(central: CentralDatabase, queries: readonly Compilable[]): Promise<D1ResultLike<unknown>[]> {
  if (queries.length === 0) return [];
  return central.d1.batch(
    queries.map((query) => {
      const { sql, parameters } = query.compile();
      return central.d1.prepare(sql).bind(...parameters);
    }),
  );
}
