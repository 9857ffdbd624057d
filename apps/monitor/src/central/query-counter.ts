import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';

/** How many D1 queries went through the databases wrapped by {@link countQueries}. */
export interface QueryCounter {
  queries: number;
}

/**
 * Wraps a D1 database so every query sent through it is counted, the way D1 counts them against
 * its limit of 1,000 queries per Worker invocation: one per `run()`, `all()`, `first()` or `raw()`, and one
 * per statement of a `batch()`. The monitor wraps the central database and every database it
 * reaches, so a tick's report says what it really spent.
 *
 * @example
 * ```ts
 * const counter = { queries: 0 };
 * const central = countQueries(env.CENTRAL_DB, counter);
 * await central.prepare('SELECT 1').all(); // counter.queries === 1
 * ```
 */
export function countQueries(database: D1DatabaseLike, counter: QueryCounter): D1DatabaseLike {
  const wrap = (inner: D1StatementLike): CountedStatement => ({
    inner,
    bind: (...values) => wrap(inner.bind(...values)),
    all: () => {
      counter.queries += 1;
      return inner.all();
    },
    run: () => {
      counter.queries += 1;
      return inner.run();
    },
    first: () => {
      counter.queries += 1;
      return inner.first();
    },
    raw: () => {
      counter.queries += 1;
      return inner.raw();
    },
  });
  return {
    prepare: (query) => wrap(database.prepare(query)),
    batch: (statements) => {
      counter.queries += statements.length;
      return database.batch(statements.map((statement) => (statement as CountedStatement).inner));
    },
  };
}

interface CountedStatement extends D1StatementLike {
  readonly inner: D1StatementLike;
}
