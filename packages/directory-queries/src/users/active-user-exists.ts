import type { DirectoryDatabase } from '../directory-database.ts';

/**
 * Whether a user exists and is not erased (`deleted_at` unset).
 *
 * ```sql
 * SELECT 1 FROM users WHERE id = ? AND deleted_at IS NULL
 * ```
 */
export async function activeUserExists(directory: DirectoryDatabase, userId: number): Promise<boolean> {
  const found = await directory.db
    .selectFrom('users')
    .select((eb) => eb.lit(1).as('found'))
    .where('id', '=', userId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return found !== undefined;
}
