import type { Compilable, DeleteResult, InsertResult, UpdateResult } from 'kysely';
import type { D1DatabaseLike, D1ResultLike } from './d1-database.ts';

/** The rows a query returns: its selection (or `RETURNING`), none for a write without one. */
type RowsOf<Query> = Query extends Compilable<infer Row> ? (Row extends InsertResult | UpdateResult | DeleteResult ? never : Row) : never;

/** The results of a batch, one per query, each typed by the rows Kysely infers for it. */
export type BatchResults<Queries extends readonly Compilable<unknown>[]> = {
  -readonly [Index in keyof Queries]: D1ResultLike<RowsOf<Queries[Index]>>;
};

/**
 * Compiles Kysely queries and runs them as one D1 `batch()`: in order, atomically, in one round
 * trip (every statement counts as a query against D1's per-invocation limit). Each result carries
 * its rows, typed by the query that read them, and `meta.changes` for a write. An empty list
 * sends nothing.
 *
 * Prepared here, not by Kysely: Kysely runs one query at a time (and D1 refuses its
 * transactions), while D1's `batch()` takes prepared statements. The SQL is Kysely's.
 *
 * @example
 * ```ts
 * const [, job] = await runBatch(central, [
 *   central.db.insertInto('privacy_jobs').orIgnore().values(row),
 *   central.db.selectFrom('privacy_jobs').select('id').where('user_id', '=', userId),
 * ]);
 * // one batch: insert or ignore into "privacy_jobs" (…) values (…); select "id" from "privacy_jobs" where "user_id" = ?
 * ```
 */
export async function runBatch<const Queries extends readonly Compilable<unknown>[]>(
  database: { readonly d1: D1DatabaseLike },
  queries: Queries,
): Promise<BatchResults<Queries>> {
  if (queries.length === 0) return [] as unknown as BatchResults<Queries>;
  const { d1 } = database;
  const results = await d1.batch(
    queries.map((query) => {
      const { sql, parameters } = query.compile();
      return d1.prepare(sql).bind(...parameters);
    }),
  );
  // D1 answers one result per statement, in order; each query's compiled output type names its rows.
  return results as BatchResults<Queries>;
}
