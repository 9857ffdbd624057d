import type { DB } from '@waddle/central-schema/database';
import type { Kysely } from 'kysely';

/**
 * The statement that ends a user's membership of a waddle (a leave, a kick, a ban); the schema's
 * triggers count it. For a batch: the API sends it with the audit entry of a kick or ban.
 *
 * ```sql
 * DELETE FROM waddle_members WHERE waddle_id = ? AND user_id = ?
 * ```
 *
 * @example
 * ```ts
 * await runBatch(directory, [removeMembershipQuery(directory.db, 7, 42), auditEntryQuery(directory.db, entry)]);
 * ```
 */
export function removeMembershipQuery(db: Kysely<DB>, waddleId: number, userId: number) {
  return db.deleteFrom('waddle_members').where('waddle_id', '=', waddleId).where('user_id', '=', userId);
}
