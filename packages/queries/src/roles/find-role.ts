import type { WaddleDatabase } from '../waddle-database.ts';
import type { RoleRow } from './role-row.ts';

/**
 * One role by id; `undefined` when there is none.
 *
 * ```sql
 * SELECT * FROM roles WHERE id = ?
 * ```
 */
export function findRole(waddle: WaddleDatabase, roleId: number): Promise<RoleRow | undefined> {
  return waddle.db.selectFrom('roles').selectAll().where('id', '=', roleId).executeTakeFirst();
}
