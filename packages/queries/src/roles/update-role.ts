import type { WaddleDatabase } from '../waddle-database.ts';
import type { RoleRow } from './role-row.ts';

/** Every changeable column of a role, as it is to be stored. */
export type RoleFields = Pick<RoleRow, 'name' | 'color' | 'permissions' | 'position' | 'is_mentionable'>;

/**
 * Stores a role's changeable columns and returns the row; `undefined` when there is no such role.
 *
 * ```sql
 * UPDATE roles SET name = ?, color = ?, permissions = ?, position = ?, is_mentionable = ? WHERE id = ? RETURNING *
 * ```
 */
export function updateRole(waddle: WaddleDatabase, roleId: number, fields: RoleFields): Promise<RoleRow | undefined> {
  return waddle.db
    .updateTable('roles')
    .set({
      name: fields.name,
      color: fields.color,
      permissions: fields.permissions,
      position: fields.position,
      is_mentionable: fields.is_mentionable,
    })
    .where('id', '=', roleId)
    .returningAll()
    .executeTakeFirst();
}
