/**
 * The part of Cloudflare's `D1Database` that this repository relies on, described structurally
 * (Kysely's way: drivers are small interfaces, not imported types).
 *
 * A Worker's D1 binding satisfies it as is; so do Miniflare's local databases from Node, the
 * REST-API client used by tools, and {@link openNodeSqliteDatabase} (an in-process SQLite file
 * used to generate types and as the benchmark floor).
 */
export interface D1DatabaseLike {
  prepare(query: string): D1StatementLike;
  /**
   * Runs the statements in order inside one implicit transaction: all of them take effect or
   * none does. On D1 this is the only atomic multi-statement write (`BEGIN` is rejected).
   */
  batch<T = unknown>(statements: D1StatementLike[]): Promise<D1ResultLike<T>[]>;
}

/** A prepared statement, as `D1PreparedStatement`. */
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
  run<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  /** The rows as arrays of column values, in the order of the statement's columns (no objects built). */
  raw<T extends unknown[] = unknown[]>(): Promise<T[]>;
}

/** The result of a statement, as `D1Result`. */
export interface D1ResultLike<T = unknown> {
  results: T[];
  success: boolean;
  meta: D1MetaLike;
}

/** What D1 reports about a statement; `size_after` is the database size in bytes after it ran. */
export interface D1MetaLike {
  changes?: number;
  last_row_id?: number;
  size_after?: number;
  rows_read?: number;
  rows_written?: number;
  duration?: number;
}
