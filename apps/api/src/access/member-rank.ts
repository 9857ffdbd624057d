import { highestRolePosition } from '@waddle/queries/roles/highest-role-position';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import type { WaddleAccess } from './waddle-access.ts';
import { forbidden } from '../http/api-error.ts';

/**
 * Refuses (403) acting on a member who is the owner, or whose highest role is not below the
 * caller's (the owner may act on anyone else). Kicks, bans and role grants go through here.
 *
 * ```sql
 * -- highestRolePosition:
 * SELECT max(r.position) AS top FROM member_roles mr JOIN roles r ON r.id = mr.role_id WHERE mr.user_id = ?
 * ```
 */
export async function requireOutranks(access: WaddleAccess, database: WaddleDatabase, targetUserId: number, doing: string): Promise<void> {
  if (targetUserId === access.waddle.owner_id) throw forbidden('outranked', `${doing}: the owner cannot be the target`);
  if (access.isOwner) return;
  const targetRank = (await highestRolePosition(database, targetUserId)) ?? -1;
  if (targetRank >= access.rank) throw forbidden('outranked', `${doing}: the member's highest role is not below yours`);
}
