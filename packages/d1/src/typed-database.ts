import { Kysely } from 'kysely';
import { D1Dialect, type D1DialectConfig } from 'kysely-d1';
import type { D1DatabaseLike } from './d1-database.ts';

/**
 * A D1 database as the query code uses it: Kysely over the generated types of its schema for
 * building and running single queries (one D1 round trip each), and the D1 database itself for
 * `batch()` (see `runBatch` in `./run-batch.ts`), the only atomic multi-statement write on D1.
 */
export interface TypedDatabase<Schema> {
  readonly db: Kysely<Schema>;
  readonly d1: D1DatabaseLike;
}

/**
 * Wraps a D1 database (a Worker binding, a session of one, a slice, the REST client,
 * Miniflare's local D1, or any {@link D1DatabaseLike}) with a Kysely instance of `Schema`.
 * Nothing is sent: Kysely's D1 dialect only prepares a statement when a query runs.
 *
 * @example
 * ```ts
 * const central = openTypedDatabase<CentralSchema>(env.CENTRAL_DB);
 * await central.db.selectFrom('users').select('id').where('id', '=', 7).executeTakeFirst();
 * // select "id" from "users" where "id" = ?
 * ```
 */
export function openTypedDatabase<Schema>(d1: D1DatabaseLike): TypedDatabase<Schema> {
  // D1DatabaseLike is the structural part of D1Database the dialect calls (prepare, bind, all).
  return { d1, db: new Kysely<Schema>({ dialect: new D1Dialect({ database: d1 as unknown as D1DialectConfig['database'] }) }) };
}
