import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';

/**
 * The subquery naming a waddle's successor owner: its longest-standing member other than the
 * leaving owner (ties: the higher user id, the order `waddle_members_by_waddle` is read in).
 */
const SUCCESSOR = `(SELECT m.user_id FROM waddle_members m WHERE m.waddle_id = waddles.id AND m.user_id <> ?
                    ORDER BY m.joined_at, m.user_id DESC LIMIT 1)`;

/**
 * Statements that hand every waddle owned by `userId` to its longest-standing other member,
 * recording each hand-over in the audit log (`waddle.owner.transfer`, `{"from", "to",
 * "reason": "owner_erased"}`: ids only). A waddle with no other member keeps its owner. Part of
 * the erasure's first central batch, before the memberships are deleted.
 *
 * ```sql
 * INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, created_at)
 *   SELECT NULL, 'waddle.owner.transfer', 'waddle', CAST(id AS TEXT),
 *          json_object('from', owner_id, 'to', <successor>, 'reason', 'owner_erased'), ?
 *   FROM waddles WHERE owner_id = ? AND <successor> IS NOT NULL;
 * UPDATE waddles SET owner_id = coalesce(<successor>, owner_id) WHERE owner_id = ?;
 * -- <successor>: SELECT m.user_id FROM waddle_members m WHERE m.waddle_id = waddles.id AND m.user_id <> ?
 * --              ORDER BY m.joined_at, m.user_id DESC LIMIT 1   -- waddle_members_by_waddle
 * ```
 */
export function ownershipHandOverStatements(central: D1DatabaseLike, userId: number, now: number): D1StatementLike[] {
  return [
    central
      .prepare(
        `INSERT INTO audit_log (user_id, action, resource_type, resource_id, metadata, created_at)
         SELECT NULL, 'waddle.owner.transfer', 'waddle', CAST(id AS TEXT),
                json_object('from', owner_id, 'to', ${SUCCESSOR}, 'reason', 'owner_erased'), ?
         FROM waddles WHERE owner_id = ? AND ${SUCCESSOR} IS NOT NULL`,
      )
      .bind(userId, now, userId, userId),
    central.prepare(`UPDATE waddles SET owner_id = coalesce(${SUCCESSOR}, owner_id) WHERE owner_id = ?`).bind(userId, userId),
  ];
}
