import type { D1DatabaseLike, D1ResultLike } from '@waddle/d1/database';
import type { DB } from '@waddle/waddle-schema/database';
import { type Compilable, Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';

/**
 * One waddle database as the query library uses it: Kysely for building and running single
 * queries, and the D1 database itself for `batch()`, which is how several statements run
 * atomically (writes) or in one round trip (a page with its reactions and attachments).
 */
export interface WaddleDatabase {
  readonly db: Kysely<DB>;
  readonly d1: D1DatabaseLike;
}

/**
 * Wraps a waddle's D1 database (a Worker binding, or any {@link D1DatabaseLike}).
 *
 * @example
 * ```ts
 * const waddle = openWaddleDatabase(env.WADDLE_DB);
 * const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50 });
 * ```
 */
export function openWaddleDatabase(d1: D1DatabaseLike): WaddleDatabase {
  return { d1, db: new Kysely<DB>({ dialect: new D1Dialect({ database: d1 as unknown as D1Database }) }) };
}

/** The result of each query of a batch, typed by the query's own output (its rows, and `meta.changes`). */
export type BatchResults<Queries extends readonly Compilable<unknown>[]> = {
  -readonly [Index in keyof Queries]: Queries[Index] extends Compilable<infer Row> ? D1ResultLike<Row> : never;
};

/**
 * Compiles Kysely queries and runs them as one D1 `batch()`: atomically, in one round trip.
 * Returns each statement's result (rows and `meta.changes`), typed by its query: the rows of a
 * `selectFrom(...).select(...)` or a `returning(...)` have that query's generated column types.
 *
 * @example
 * ```ts
 * const [bans, roles] = await runBatch(waddle, [waddle.db.selectFrom('bans').select('user_id'), waddle.db.selectFrom('roles').selectAll()]);
 * bans.results; // { user_id: number }[]
 * ```
 */
export function runBatch<const Queries extends readonly Compilable<unknown>[]>(
  database: { readonly d1: D1DatabaseLike },
  queries: Queries,
): Promise<BatchResults<Queries>> {
  const results = database.d1.batch(
    queries.map((query) => {
      const { sql, parameters } = query.compile();
      return database.d1.prepare(sql).bind(...parameters);
    }),
  );
  // D1 answers one result per statement, in order; each query's compiled output type names its rows.
  return results as Promise<BatchResults<Queries>>;
}
