import { callSlice } from './call-slice.ts';
import { type ColumnarResult, fromColumnarResult } from './columnar-result.ts';
import { encodeParam } from './param-codec.ts';
import type { SliceDispatcher } from './slice-dispatcher.ts';
import { type SliceExecResult, type SliceMode, SlicePath, type SliceStatementRequest } from './slice-protocol.ts';

/** Where one database is reached on the data path: its slice, and its D1 id. */
export interface SliceAddress {
  readonly slice: string;
  readonly database: string;
}

/** A statement prepared against a slice: its SQL and bound parameters, sent when it runs. */
export interface SlicePreparedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
  bind(...values: unknown[]): SlicePreparedStatement;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  first<T = Record<string, unknown>>(column?: string): Promise<T | null>;
  raw<T extends unknown[] = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]>;
}

/** A database reached through its slice, with the calls of `D1Database` the data path makes. */
export interface SliceD1Database {
  prepare(sql: string): SlicePreparedStatement;
  batch<T = unknown>(statements: SlicePreparedStatement[]): Promise<D1Result<T>[]>;
  exec(sql: string): Promise<SliceExecResult>;
}

/**
 * A `D1Database` whose statements run in the database's slice: `prepare/bind` build the
 * statement here, and each `all`, `run`, `first`, `raw`, `batch` or `exec` is one request to
 * the slice, answered with the binding's own result (`results`, `success`, `meta`). Kysely
 * (kysely-d1), `@waddle/queries` and `@waddle/migrator` run over it unchanged:
 *
 * ```ts
 * const waddle = openWaddleDatabase(sliceD1Database(env.SLICES, { slice, database }));
 * await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50 });
 * ```
 *
 * Parameters travel as JSON (numbers exactly, blobs as bytes: see `encodeParam`); a value that
 * cannot is refused with a `TypeError` before anything is sent. Errors: `SliceStatementError`
 * (D1's message verbatim), `DatabaseNotInSliceError`, `SliceUnavailableError`; nothing is
 * retried, and nothing falls back to the REST API. `withSession` is not offered (read
 * replication stays on the binding inside the slice).
 */
export function sliceD1Database(dispatcher: SliceDispatcher, address: SliceAddress): SliceD1Database {
  const send = <T>(mode: SliceMode, statements: readonly SlicePreparedStatement[], columnNames?: boolean) => {
    const request: SliceStatementRequest = {
      database: address.database,
      mode,
      statements: statements.map(({ sql, params }) => ({ sql, params: params.map(encodeParam) })),
      ...(columnNames ? { columnNames } : {}),
    };
    return callSlice<T>(dispatcher, address.slice, SlicePath.statements, request, address.database);
  };
  const statement = (sql: string, params: readonly unknown[]): SlicePreparedStatement => {
    const self: SlicePreparedStatement = {
      sql,
      params,
      bind: (...values) => {
        values.forEach(encodeParam);
        return statement(sql, values);
      },
      all: async <T>() => fromColumnarResult<T>(await send<ColumnarResult | D1Result<T>>('all', [self])),
      run: <T>() => send<D1Result<T>>('run', [self]),
      first: async <T>(column?: string) => {
        const row = await send<Record<string, unknown> | null>('first', [self]);
        if (row === null || column === undefined) return row as T | null;
        if (!(column in row)) throw new Error('D1_COLUMN_NOTFOUND', { cause: new Error(`Column not found: ${column}`) });
        return row[column] as T;
      },
      raw: <T extends unknown[]>(options?: { columnNames?: boolean }) => send<T[]>('raw', [self], options?.columnNames),
    };
    return self;
  };
  return {
    prepare: (sql) => statement(sql, []),
    batch: async <T>(statements: SlicePreparedStatement[]) =>
      (await send<(ColumnarResult | D1Result<T>)[]>('batch', statements)).map((result) => fromColumnarResult<T>(result)),
    exec: (sql) => send<SliceExecResult>('exec', [statement(sql, [])]),
  };
}
