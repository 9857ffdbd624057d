import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * The ids of the roles granted to each of `userIds`, ascending (a user without grants is absent
 * from the map). Nothing is read for an empty list. At most 100 users (D1's bound-parameter limit).
 *
 * ```sql
 * SELECT user_id, role_id FROM member_roles WHERE user_id IN (?, ?, …) ORDER BY role_id
 * ```
 *
 * @example
 * ```ts
 * const roles = await memberRoleIds(waddle, [7, 8]); // Map { 7 => [2, 5] }
 * ```
 */
export async function memberRoleIds(waddle: WaddleDatabase, userIds: readonly number[]): Promise<Map<number, number[]>> {
  const roles = new Map<number, number[]>();
  if (userIds.length === 0) return roles;
  const grants = await waddle.db
    .selectFrom('member_roles')
    .select(['user_id', 'role_id'])
    .where('user_id', 'in', userIds)
    .orderBy('role_id')
    .execute();
  for (const grant of grants) roles.set(grant.user_id, [...(roles.get(grant.user_id) ?? []), grant.role_id]);
  return roles;
}
