import type { DB } from '@waddle/waddle-schema/database';
import type { Kysely } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * The statement that takes every role grant of a user away (for a batch: a ban sends it with the
 * ban itself).
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ?
 * ```
 */
export function revokeAllRolesQuery(db: Kysely<DB>, userId: number) {
  return db.deleteFrom('member_roles').where('user_id', '=', userId);
}

/**
 * Takes every role grant of a user away (they leave, or are kicked): {@link revokeAllRolesQuery}, on its own.
 *
 * ```sql
 * DELETE FROM member_roles WHERE user_id = ?
 * ```
 */
export async function revokeAllRoles(waddle: WaddleDatabase, userId: number): Promise<void> {
  await revokeAllRolesQuery(waddle.db, userId).execute();
}
