import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Revokes one role from a user (nothing happens when they did not hold it).
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ? AND role_id = ?
 * ```
 */
export async function revokeRole(waddle: WaddleDatabase, grant: { readonly userId: number; readonly roleId: number }): Promise<void> {
  await waddle.db.deleteFrom('member_roles').where('user_id', '=', grant.userId).where('role_id', '=', grant.roleId).execute();
}
