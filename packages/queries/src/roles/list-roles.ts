import type { WaddleDatabase } from '../waddle-database.ts';
import type { RoleRow } from './role-row.ts';

/**
 * Every role of the waddle, highest first (ties by id).
 *
 * ```sql
 * SELECT * FROM roles ORDER BY position DESC, id   -- index roles_by_position
 * ```
 */
export function listRoles(waddle: WaddleDatabase): Promise<RoleRow[]> {
  return waddle.db.selectFrom('roles').selectAll().orderBy('position', 'desc').orderBy('id').execute();
}
