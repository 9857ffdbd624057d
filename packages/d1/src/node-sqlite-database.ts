import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { D1DatabaseLike, D1MetaLike, D1ResultLike, D1StatementLike } from './d1-database.ts';

/** A {@link D1DatabaseLike} over an in-process SQLite database, with its handle for closing. */
export interface NodeSqliteDatabase extends D1DatabaseLike {
  /** The underlying `node:sqlite` handle, for what D1 itself would refuse (`VACUUM`, pragmas). */
  readonly handle: DatabaseSync;
  close(): void;
}

/**
 * Opens an SQLite file (or `':memory:'`) in this process through Node's built-in `node:sqlite`,
 * behind the same interface as a D1 binding, so the migration runner and the query library run on
 * it unchanged. It serves the tools that want SQLite without a Workers runtime: type generation
 * (kysely-codegen introspects a file built from the migrations) and the benchmark's in-process
 * floor, and the command line's quick reads of a local D1 database's own file (`readOnly`: it
 * never creates the file and writes nothing, so it can sit beside the workerd that has it open,
 * the database being in WAL mode). Tests use real local D1 instead.
 *
 * `batch()` wraps the statements in `BEGIN`/`COMMIT` and rolls back on the first error, which is
 * what D1 does. Foreign keys are switched on, as they are on D1.
 *
 * Compiled statements are kept for reuse (the last {@link PREPARED_STATEMENTS} distinct SQL texts),
 * as SQLite drivers do: compiling a statement can cost more than running it, and the benchmark's
 * in-process figures are meant to show what running the query costs.
 *
 * @example
 * ```ts
 * const db = openNodeSqliteDatabase(':memory:');
 * await db.batch([db.prepare('CREATE TABLE t (x INTEGER)'), db.prepare('INSERT INTO t VALUES (?)').bind(1)]);
 * ```
 */
export function openNodeSqliteDatabase(path: string, options: { readonly readOnly?: boolean } = {}): NodeSqliteDatabase {
  const handle = new DatabaseSync(path, { readOnly: options.readOnly === true });
  handle.exec('PRAGMA foreign_keys = ON');
  const prepared = new Map<string, StatementSync>();
  const prepare = (query: string): StatementSync => {
    let statement = prepared.get(query);
    if (statement) {
      prepared.delete(query);
    } else {
      // The driver itself: node:sqlite compiles whatever SQL the caller sent (Kysely's, the migrator's).
      // Exercised by test/node-sqlite-database.test.ts, and by codegen:check (it builds both schemas here).
      statement = handle.prepare(query);
      if (prepared.size >= PREPARED_STATEMENTS) prepared.delete(prepared.keys().next().value!);
    }
    prepared.set(query, statement);
    return statement;
  };
  const sizeOf = () => {
    // Raw: the pragma table-valued functions are not tables Kysely's types know; this fills in
    // `meta.size_after` as D1 reports it (node:sqlite allows what D1 refuses). test/node-sqlite-database.test.ts
    // holds it against the pragmas read directly.
    const row = prepare('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()').get();
    return Number(row?.size ?? 0);
  };

  const execute = <T>(query: string, values: readonly unknown[], arrays = false): D1ResultLike<T> => {
    const statement = prepare(query);
    statement.setReturnArrays(arrays);
    const parameters = values.map(toSqlValue);
    const started = performance.now();
    if (statement.columns().length > 0) {
      const results = statement.all(...parameters) as T[];
      return result(results, { changes: 0, duration: performance.now() - started, size_after: sizeOf() });
    }
    const outcome = statement.run(...parameters);
    return result<T>([], {
      changes: Number(outcome.changes),
      last_row_id: Number(outcome.lastInsertRowid),
      duration: performance.now() - started,
      size_after: sizeOf(),
    });
  };

  const statementFor = (query: string, values: readonly unknown[]): BoundStatement => ({
    query,
    values,
    bind: (...next: unknown[]) => statementFor(query, next),
    all: async <T>() => execute<T>(query, values),
    run: async <T>() => execute<T>(query, values),
    first: async <T>() => (execute<T>(query, values).results[0] ?? null) as T | null,
    raw: async <T extends unknown[]>() => execute<T>(query, values, true).results,
  });

  return {
    handle,
    prepare: (query) => statementFor(query, []),
    batch: async <T>(statements: D1StatementLike[]) => {
      handle.exec('BEGIN');
      try {
        const results = statements.map((s) => {
          const { query, values } = s as BoundStatement;
          return execute<T>(query, values);
        });
        handle.exec('COMMIT');
        return results;
      } catch (error) {
        handle.exec('ROLLBACK');
        throw error;
      }
    },
    close: () => handle.close(),
  };
}

/** How many compiled statements a database keeps for reuse, least recently used dropped first. */
const PREPARED_STATEMENTS = 100;

interface BoundStatement extends D1StatementLike {
  readonly query: string;
  readonly values: readonly unknown[];
}

function result<T>(results: T[], meta: D1MetaLike): D1ResultLike<T> {
  return { results, success: true, meta };
}

/** Converts a value the way D1's `bind()` does: booleans become 0/1, `undefined` is refused. */
function toSqlValue(value: unknown): SQLInputValue {
  if (value === undefined) throw new TypeError('D1_TYPE_ERROR: undefined cannot be bound');
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value as SQLInputValue;
}
