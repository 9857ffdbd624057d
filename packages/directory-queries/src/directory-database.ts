import type { DB } from '@waddle/central-schema/database';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { openTypedDatabase, type TypedDatabase } from '@waddle/d1/typed-database';

/**
 * The central directory database (users, the waddle registry, memberships, the audit log,
 * privacy jobs) as the directory queries use it: Kysely with the generated central types for
 * single queries, and the D1 database itself for `batch()` (`runBatch` of `@waddle/d1/run-batch`),
 * the only atomic multi-statement write on D1.
 */
export type DirectoryDatabase = TypedDatabase<DB>;

/**
 * Wraps the central D1 database (a Worker binding, a session of it, or any {@link D1DatabaseLike}).
 *
 * @example
 * ```ts
 * const directory = openDirectoryDatabase(env.CENTRAL_DB);
 * const profile = await userProfile(directory, 42);
 * ```
 */
export function openDirectoryDatabase(d1: D1DatabaseLike): DirectoryDatabase {
  return openTypedDatabase<DB>(d1);
}
