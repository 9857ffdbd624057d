import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { AnySchema } from './migration.ts';

/**
 * A Kysely instance that only compiles SQLite statements and never executes them: migrations are
 * built with it, and the migrator sends the compiled SQL to D1 itself inside one `batch()`.
 */
export function createCompileOnlyKysely(): Kysely<AnySchema> {
  return new Kysely<AnySchema>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
}
