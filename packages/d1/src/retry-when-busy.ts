import type { D1DatabaseLike, D1StatementLike } from './d1-database.ts';

function messageOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
}

/** The database file was locked by another process: nothing was written, the call can be repeated. */
export function isBusyError(error: unknown): boolean {
  return /SQLITE_BUSY|database is locked/.test(messageOf(error));
}

/**
 * Local D1 reads the database's commit token after each query; when another process holds the
 * file's lock at that moment, the query fails with "Failed to get session commit token" although
 * it ran. Harmless to repeat for a read; a write may already have committed, so it is not repeated.
 */
function isCommitTokenError(error: unknown): boolean {
  return /Failed to get session commit token/.test(messageOf(error));
}

/** A statement that only reads (so repeating it changes nothing). */
function readsOnly(query: string): boolean {
  return /^\s*(SELECT|WITH)\b/i.test(query) && !/\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b/i.test(query);
}

/** How often, and after what first pause, {@link repeatWhenBusy} tries again. */
export interface BusyRetryOptions {
  /** Tries in all (default 10). */
  readonly attempts?: number;
  /** The first pause in ms (default 10); each next one doubles, up to a second, randomized. */
  readonly pauseMs?: number;
  /** Other errors that may be repeated as well (besides SQLITE_BUSY). */
  readonly alsoRepeat?: (error: unknown) => boolean;
}

/**
 * Calls `send` until it does not fail with SQLITE_BUSY (or an error `alsoRepeat` accepts), up to
 * `attempts` times, pausing `pauseMs`, twice that, … up to a second between tries (each
 * randomized between half and one and a half times). Any other error, or the last one, is thrown.
 * The one retry loop of the project: statements and batches ({@link retryWhenBusy}) and local
 * workerd startups use it.
 */
export async function repeatWhenBusy<T>(send: () => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 10;
  const pauseMs = options.pauseMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const repeatable = isBusyError(error) || (options.alsoRepeat?.(error) ?? false);
      if (attempt >= attempts || !repeatable) throw error;
      await new Promise((resume) => setTimeout(resume, Math.min(1000, pauseMs * 2 ** (attempt - 1)) * (0.5 + Math.random())));
    }
  }
}

/**
 * Wraps a D1 database so that a statement or batch refused with `SQLITE_BUSY` (or a read that
 * failed reading the commit token under another process's lock) is sent again (up to
 * `attempts` times, pausing 10, 20, 40 … ms up to a second between tries, randomized; about four
 * seconds in all by default). Only locally can that happen: each
 * `wrangler dev` runs its own workerd, both Workers open the central database's SQLite file, and
 * workerd's SQLite has no busy timeout, so a write that meets the other process's lock fails at
 * once. A refused statement or batch left nothing behind (a batch is one transaction), so sending
 * it again is safe. On Cloudflare a database has one writer and this never fires.
 *
 * @example
 * ```ts
 * const central = retryWhenBusy(env.CENTRAL_DB.withSession('first-unconstrained'));
 * ```
 */
export function retryWhenBusy(database: D1DatabaseLike, options: Omit<BusyRetryOptions, 'alsoRepeat'> = {}): D1DatabaseLike {
  const originals = new WeakMap<D1StatementLike, { statement: D1StatementLike; readOnly: boolean }>();

  const again = <T>(send: () => Promise<T>, readOnly: boolean): Promise<T> =>
    repeatWhenBusy(send, { ...options, alsoRepeat: readOnly ? isCommitTokenError : undefined });
  const wrap = (statement: D1StatementLike, readOnly: boolean): D1StatementLike => {
    const wrapped: D1StatementLike = {
      bind: (...values) => wrap(statement.bind(...values), readOnly),
      all: () => again(() => statement.all(), readOnly),
      run: () => again(() => statement.run(), readOnly),
      first: () => again(() => statement.first(), readOnly),
      raw: () => again(() => statement.raw(), readOnly),
    };
    originals.set(wrapped, { statement, readOnly });
    return wrapped;
  };
  return {
    // A wrapper, not a query: it passes the caller's SQL (Kysely's or raw) to the database it wraps.
    // tooling/platform/test/retry-when-busy.test.ts exercises it under a real lock.
    prepare: (query) => wrap(database.prepare(query), readsOnly(query)),
    batch: (statements) => {
      const unwrapped = statements.map((statement) => originals.get(statement) ?? { statement, readOnly: false });
      return again(
        () => database.batch(unwrapped.map((entry) => entry.statement)),
        unwrapped.every((entry) => entry.readOnly),
      );
    },
  };
}
