import type { D1DatabaseLike, D1ResultLike } from '@waddle/d1/database';
import { statementOf } from '@waddle/registry/directory-kysely';
import type { Compilable } from 'kysely';

/**
 * Runs a Kysely query of the central database (built with `directoryKysely` over the generated
 * central types) and answers its first row, typed by the query's own output, or `null`.
 *
 * @example
 * ```ts
 * const taken = await firstRowOf(central, directoryKysely.selectFrom('waddles').select('id').where('name', '=', name));
 * // SELECT "id" FROM "waddles" WHERE "name" = ?
 * ```
 */
export function firstRowOf<Row>(central: D1DatabaseLike, query: Compilable<Row>): Promise<Row | null> {
  return statementOf(central, query).first<Row>();
}

/**
 * Runs a Kysely query of the central database and answers every row, typed by the query's output.
 *
 * @example
 * ```ts
 * const rows = await rowsOf(central, directoryKysely.selectFrom('databases').select('d1_database_id').where('slice', '=', slice));
 * // SELECT "d1_database_id" FROM "databases" WHERE "slice" = ?
 * ```
 */
export async function rowsOf<Row>(central: D1DatabaseLike, query: Compilable<Row>): Promise<Row[]> {
  return (await statementOf(central, query).all<Row>()).results;
}

/** The result of each query of a batch, typed by the query's own output. */
export type CentralBatchResults<Queries extends readonly Compilable<unknown>[]> = {
  -readonly [Index in keyof Queries]: Queries[Index] extends Compilable<infer Row> ? D1ResultLike<Row> : never;
};

/**
 * Runs Kysely queries of the central database as one D1 `batch()`: atomically, in one round
 * trip, each result typed by its query.
 *
 * @example
 * ```ts
 * const [, inserted] = await batchOf(central, [registerDatabaseQuery(entry, now), insertWaddleQuery]);
 * inserted.results[0]?.id;
 * ```
 */
export function batchOf<const Queries extends readonly Compilable<unknown>[]>(
  central: D1DatabaseLike,
  queries: Queries,
): Promise<CentralBatchResults<Queries>> {
  // D1 answers one result per statement, in order; each query's compiled output type names its rows.
  return central.batch(queries.map((query) => statementOf(central, query))) as Promise<CentralBatchResults<Queries>>;
}
