import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Deletes a role; the schema cascades to every grant of it. Returns whether a role was deleted.
 *
 * ```sql
 * DELETE FROM roles WHERE id = ?
 * ```
 */
export async function deleteRole(waddle: WaddleDatabase, roleId: number): Promise<boolean> {
  const result = await waddle.db.deleteFrom('roles').where('id', '=', roleId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
