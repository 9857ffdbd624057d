import type { DatabaseSync } from 'node:sqlite';
import type { SqliteDatabase } from 'kysely';

/**
 * Adapts a `node:sqlite` handle to the structural `SqliteDatabase` that Kysely's `SqliteDialect`
 * expects (the shape of better-sqlite3), so kysely-codegen can introspect a database built in
 * this process without a native addon.
 */
export function toKyselySqliteDatabase(handle: DatabaseSync): SqliteDatabase {
  return {
    close: () => handle.close(),
    prepare: (sql) => {
      const statement = handle.prepare(sql);
      const parameters = (values: ReadonlyArray<unknown>) => values as never[];
      return {
        reader: statement.columns().length > 0,
        all: (values) => statement.all(...parameters(values)),
        run: (values) => {
          const { changes, lastInsertRowid } = statement.run(...parameters(values));
          return { changes, lastInsertRowid };
        },
        iterate: (values) => statement.iterate(...parameters(values)),
      };
    },
  };
}
