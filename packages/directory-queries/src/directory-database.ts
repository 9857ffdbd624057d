import type { D1DatabaseLike, D1ResultLike } from '@waddle/d1/database';
import type { DB } from '@waddle/central-schema/database';
import { type Compilable, Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';

/**
 * The central directory database (users, the waddle registry, memberships, the audit log,
 * privacy jobs) as the directory queries use it: Kysely with the generated central types for
 * single queries, and the D1 database itself for `batch()`, the only atomic multi-statement write
 * on D1.
 */
export interface DirectoryDatabase {
  readonly db: Kysely<DB>;
  readonly d1: D1DatabaseLike;
}

/**
 * Wraps the central D1 database (a Worker binding, a session of it, or any {@link D1DatabaseLike}).
 *
 * @example
 * ```ts
 * const directory = openDirectoryDatabase(env.CENTRAL_DB);
 * const profile = await userProfile(directory, 42);
 * ```
 */
export function openDirectoryDatabase(d1: D1DatabaseLike): DirectoryDatabase {
  return { d1, db: new Kysely<DB>({ dialect: new D1Dialect({ database: d1 as unknown as D1Database }) }) };
}

/** The result of each query of a batch, typed by the query's own output (its rows, and `meta.changes`). */
export type DirectoryBatchResults<Queries extends readonly Compilable<unknown>[]> = {
  -readonly [Index in keyof Queries]: Queries[Index] extends Compilable<infer Row> ? D1ResultLike<Row> : never;
};

/**
 * Compiles Kysely queries and runs them as one D1 `batch()` of the central database:
 * atomically, in one round trip. Each result is typed by its query.
 *
 * @example
 * ```ts
 * await runDirectoryBatch(directory, [removeMembershipQuery(directory.db, 7, 42), auditEntryQuery(directory.db, entry)]);
 * ```
 */
export function runDirectoryBatch<const Queries extends readonly Compilable<unknown>[]>(
  directory: DirectoryDatabase,
  queries: Queries,
): Promise<DirectoryBatchResults<Queries>> {
  const results = directory.d1.batch(
    queries.map((query) => {
      const { sql, parameters } = query.compile();
      return directory.d1.prepare(sql).bind(...parameters);
    }),
  );
  // D1 answers one result per statement, in order; each query's compiled output type names its rows.
  return results as Promise<DirectoryBatchResults<Queries>>;
}
