import type { D1DatabaseLike } from '@waddle/d1/database';
import { openTypedDatabase, type TypedDatabase } from '@waddle/d1/typed-database';
import type { DB } from '@waddle/waddle-schema/database';

export { type BatchResults, runBatch } from '@waddle/d1/run-batch';

/**
 * One waddle database as the query library uses it: Kysely over the generated waddle types for
 * building and running single queries, and the D1 database itself for `batch()`, which is how
 * several statements run atomically (writes) or in one round trip (a page with its reactions and
 * attachments).
 */
export type WaddleDatabase = TypedDatabase<DB>;

/**
 * Wraps a waddle's D1 database (a Worker binding, a slice, or any {@link D1DatabaseLike}).
 *
 * @example
 * ```ts
 * const waddle = openWaddleDatabase(env.WADDLE_DB);
 * const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50 });
 * ```
 */
export function openWaddleDatabase(d1: D1DatabaseLike): WaddleDatabase {
  return openTypedDatabase<DB>(d1);
}
