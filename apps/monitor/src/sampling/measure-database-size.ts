import type { D1DatabaseLike } from '@waddle/d1/database';

/** D1's answer carried no `meta.size_after` (an API that does not report it). */
export class SizeNotReportedError extends Error {
  override readonly name = 'SizeNotReportedError';

  constructor() {
    super('D1 reported no meta.size_after for the database');
  }
}

/**
 * The size of a database as D1 itself reports it: `meta.size_after` of the cheapest statement
 * (local D1, a Worker binding and the REST API all report it on a read). `pragma_page_count()` is
 * not authorized on D1, so there is no other way.
 *
 * ```sql
 * SELECT 1;
 * ```
 *
 * @throws {SizeNotReportedError} when the result has no size.
 *
 * @example
 * ```ts
 * const bytes = await measureDatabaseSize(env.CENTRAL_DB);
 * ```
 */
export async function measureDatabaseSize(database: D1DatabaseLike): Promise<number> {
  const { meta } = await database.prepare('SELECT 1').all();
  if (typeof meta.size_after !== 'number') throw new SizeNotReportedError();
  return meta.size_after;
}
