import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Kysely } from 'kysely';
import { D1Dialect } from 'kysely-d1';

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
  // D1DatabaseLike is the structural part of D1Database the dialect calls (prepare, bind, all).
  return new Kysely<CentralSchema>({ dialect: new D1Dialect({ database: central as unknown as D1Database }) });
}
