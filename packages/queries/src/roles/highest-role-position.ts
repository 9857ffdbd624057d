import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * The highest position among the roles granted to a user (the default role is never granted, so
 * it does not count); `null` when they hold none. Who may act on whom is decided by it.
 *
 * ```sql
 * SELECT max(r.position) AS top FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.user_id = ?
 * ```
 *
 * @example
 * ```ts
 * const top = await highestRolePosition(waddle, 42); // 3, or null without any granted role
 * ```
 */
export async function highestRolePosition(waddle: WaddleDatabase, userId: number): Promise<number | null> {
  const row = await waddle.db
    .selectFrom('member_roles as mr')
    .innerJoin('roles as r', 'r.id', 'mr.role_id')
    .select((eb) => eb.fn.max('r.position').as('top'))
    .where('mr.user_id', '=', userId)
    .executeTakeFirst();
  return row?.top ?? null;
}
