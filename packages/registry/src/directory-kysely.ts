import type { DB } from '@waddle/central-schema/database';
import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import { type Compilable, DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';

/**
 * A Kysely instance over the generated central types that only compiles statements: the
 * directory's functions build their SQL with it and send it through whatever
 * {@link D1DatabaseLike} the caller has (a Worker's binding, Miniflare, the REST client), so the
 * same statement can run alone or inside a caller's `batch()`.
 */
export const directoryKysely = new Kysely<DB>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/**
 * A compiled Kysely query as a D1 statement of `central`, ready to run or to put in a batch.
 *
 * @example
 * ```ts
 * await central.batch([statementOf(central, query), other]);
 * ```
 */
export function statementOf(central: D1DatabaseLike, query: Compilable): D1StatementLike {
  const { sql, parameters } = query.compile();
  return central.prepare(sql).bind(...parameters);
}
