import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * Grants a role to a user; granting it again changes nothing (the first grant is kept).
 *
 * ```sql
 * INSERT INTO member_roles (user_id, role_id, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
 * ```
 *
 * @example
 * ```ts
 * await grantRole(waddle, { userId: 42, roleId: 3, grantedBy: 1, grantedAt: context.now });
 * ```
 */
export async function grantRole(
  waddle: WaddleDatabase,
  grant: { readonly userId: number; readonly roleId: number; readonly grantedBy: number; readonly grantedAt: number },
): Promise<void> {
  await waddle.db
    .insertInto('member_roles')
    .values({ user_id: grant.userId, role_id: grant.roleId, granted_by: grant.grantedBy, granted_at: grant.grantedAt })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
