import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { openTypedDatabase } from '@waddle/d1/typed-database';
import type { Kysely } from 'kysely';

/**
 * Kysely over a central directory database (local D1, or the REST client of `--target remote`),
 * typed by `@waddle/central-schema`'s generated `DB`: what the commands read and write in it.
 * Each query is one D1 round trip; nothing is sent until a query runs.
 *
 * @example
 * ```ts
 * const user = await centralKysely(central).selectFrom('users').select('id').where('id', '=', 7).executeTakeFirst();
 * // select "id" from "users" where "id" = ?
 * ```
 */
export function centralKysely(central: D1DatabaseLike): Kysely<CentralSchema> {
  return openTypedDatabase<CentralSchema>(central).db;
}
