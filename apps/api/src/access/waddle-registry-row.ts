import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import type { WaddleRow } from './waddle-row.ts';

/**
 * A waddle's registry row with whether the caller is a member of it, and whether they ever were
 * (`user_waddles` remembers every join, after a leave, kick or ban).
 */
export type WaddleRowForCaller = WaddleRow & { readonly is_member: number; readonly was_member: number };

/**
 * The statement that reads a waddle's registry row and the caller's membership, present and
 * past, in one lookup.
 * The request pipeline sends it in the same batch as the caller's own row, so a request about a
 * waddle costs one central round trip.
 *
 * ```sql
 * SELECT w.id, w.name, w.display_name, w.description, w.icon_url, w.owner_id, w.is_public, w.member_count, w.created_at,
 *        w.d1_database_id, w.d1_binding, m.user_id IS NOT NULL AS is_member,
 *        EXISTS (SELECT 1 FROM user_waddles u WHERE u.user_id = ? AND u.waddle_id = w.id) AS was_member
 * FROM waddles w LEFT JOIN waddle_members m ON m.waddle_id = w.id AND m.user_id = ?
 * WHERE w.id = ?
 * ```
 */
export function waddleRowStatement(central: D1DatabaseLike, callerId: number, waddleId: number): D1StatementLike {
  return central
    .prepare(
      `SELECT w.id, w.name, w.display_name, w.description, w.icon_url, w.owner_id, w.is_public, w.member_count, w.created_at,
              w.d1_database_id, w.d1_binding, m.user_id IS NOT NULL AS is_member,
              EXISTS (SELECT 1 FROM user_waddles u WHERE u.user_id = ? AND u.waddle_id = w.id) AS was_member
       FROM waddles w LEFT JOIN waddle_members m ON m.waddle_id = w.id AND m.user_id = ?
       WHERE w.id = ?`,
    )
    .bind(callerId, callerId, waddleId);
}
