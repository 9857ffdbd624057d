import type { D1DatabaseLike, D1StatementLike } from './d1-database.ts';

/** The database file was locked by another process: nothing was written, the call can be repeated. */
export function isBusyError(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return /SQLITE_BUSY|database is locked/.test(message);
}

/**
 * Wraps a D1 database so that a statement or batch refused with `SQLITE_BUSY` is sent again (up to
 * `attempts` times, with a short randomized pause). Only locally can that happen: each
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
export function retryWhenBusy(database: D1DatabaseLike, options: { readonly attempts?: number; readonly pauseMs?: number } = {}): D1DatabaseLike {
  const attempts = options.attempts ?? 8;
  const pauseMs = options.pauseMs ?? 15;
  const originals = new WeakMap<D1StatementLike, D1StatementLike>();

  const again = async <T>(send: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (attempt >= attempts || !isBusyError(error)) throw error;
        await new Promise((resume) => setTimeout(resume, pauseMs * attempt * (0.5 + Math.random())));
      }
    }
  };
  const wrap = (statement: D1StatementLike): D1StatementLike => {
    const wrapped: D1StatementLike = {
      bind: (...values) => wrap(statement.bind(...values)),
      all: () => again(() => statement.all()),
      run: () => again(() => statement.run()),
      first: () => again(() => statement.first()),
    };
    originals.set(wrapped, statement);
    return wrapped;
  };
  return {
    prepare: (query) => wrap(database.prepare(query)),
    batch: (statements) => again(() => database.batch(statements.map((statement) => originals.get(statement) ?? statement))),
  };
}
