import type { D1MetaLike } from '@waddle/d1/database';
import type { EncodedParam } from './param-codec.ts';

/**
 * How a caller talks to a slice: JSON over the slice's `fetch` (a dispatch namespace hands out a
 * `Fetcher`; JS RPC across a dispatch namespace is not documented, see docs/binding-slices.md).
 *
 * - `POST /statements` with a {@link SliceStatementRequest}: the statements of one call of the
 *   D1 API (`all`, `run`, `first`, `raw`, one `batch`, one `exec`) on one database of the slice;
 * - `POST /jobs/migrate` and `POST /jobs/sample` with a {@link SliceJobRequest}: a bounded job
 *   over several databases of the slice, near the data.
 *
 * Every answer is a {@link SliceAnswer}: `{ result }` (HTTP 200) or `{ error }` (4xx).
 */
export const SlicePath = {
  statements: '/statements',
  migrate: '/jobs/migrate',
  sample: '/jobs/sample',
} as const;

/** Which D1 call the statements stand for; the answer has that call's result shape. */
export type SliceMode = 'all' | 'run' | 'first' | 'raw' | 'batch' | 'exec';

/** One statement and its bound parameters (blobs encoded, see `encodeParam`). */
export interface SliceStatement {
  readonly sql: string;
  readonly params: readonly EncodedParam[];
}

/**
 * The statements of one D1 call on the database `database` (its D1 id). `batch` takes one or
 * more statements and runs them as one D1 `batch()` (atomic); every other mode takes exactly
 * one; `exec` takes one with no parameters (its SQL may hold several statements).
 */
export interface SliceStatementRequest {
  readonly database: string;
  readonly mode: SliceMode;
  readonly statements: readonly SliceStatement[];
  /** `raw` only: the first row holds the column names, as `raw({ columnNames: true })`. */
  readonly columnNames?: boolean;
}

/** A D1 result as the binding gives it (`results`, `success`, `meta`), blobs as arrays of bytes. */
export interface SliceResult {
  readonly results: unknown[];
  readonly success: boolean;
  readonly meta: D1MetaLike & Record<string, unknown>;
}

/** What `exec` answers, as D1's `D1ExecResult`. */
export interface SliceExecResult {
  readonly count: number;
  readonly duration: number;
}

/** A bounded job over some databases of the slice, by D1 id. */
export interface SliceJobRequest {
  readonly databases: readonly string[];
  /**
   * Milliseconds the job may spend before it stops starting databases (those it did not start
   * are answered `not_started`, to be sent again). Default and maximum: {@link SLICE_JOB_MAX_MS}.
   */
  readonly budgetMs?: number;
  /**
   * `migrate` only: databases the caller's directory records a schema version for. One of them
   * found empty is answered `failed` and left alone instead of being migrated from scratch: it
   * is missing or was replaced, and an empty schema would hide that.
   */
  readonly established?: readonly string[];
}

/**
 * The longest a job runs before it stops starting databases: well inside Workers' default
 * 30 s of CPU per invocation, and it leaves a database's own statement (D1 stops one at 30 s)
 * room to finish.
 */
export const SLICE_JOB_MAX_MS = 20_000;

/**
 * The D1 queries a job allows itself in one invocation: D1 allows 1,000 per Worker invocation
 * on Workers Paid; the rest is margin for the statements of the database in progress.
 */
export const SLICE_JOB_MAX_QUERIES = 900;

/** What the migrate job did to one database. */
export interface MigrateJobOutcome {
  readonly database: string;
  /** `migrated`: it applied `applied`; `current`: nothing to apply; `failed`: see `error`; `not_started`: send it again. */
  readonly status: 'migrated' | 'current' | 'failed' | 'not_started';
  readonly applied: readonly string[];
  /** The newest migration the database has after the job (`null` for an empty one). */
  readonly version: string | null;
  readonly error?: string;
}

/** What the sample job read from one database. */
export interface SampleJobOutcome {
  readonly database: string;
  readonly status: 'sampled' | 'failed' | 'not_started';
  /** The database's size in bytes (`meta.size_after` of the sampling statement). */
  readonly sizeBytes?: number;
  /** Its tables, D1's `_cf_` tables and SQLite's own aside. */
  readonly numTables?: number;
  readonly error?: string;
}

/** Why a slice refused a request. */
export type SliceErrorKind = 'statement' | 'bad_request' | 'database_not_in_slice' | 'not_found';

/** A refusal: the kind, and the message (for `statement`, D1's own message, verbatim). */
export interface SliceErrorBody {
  readonly kind: SliceErrorKind;
  readonly message: string;
}

/** Every answer of a slice. */
export type SliceAnswer<T> = { readonly result: T } | { readonly error: SliceErrorBody };
