import type { JobSection } from '../job-section.ts';

const PAGE = 500;
const CHUNK_PAGE = 50;

/**
 * Removes the address and user agent from the audit entries of the user's own actions.
 *
 * ```sql
 * UPDATE audit_log SET ip_address = NULL, user_agent = NULL
 * WHERE id IN (SELECT id FROM audit_log WHERE user_id = ? AND id > ? ORDER BY id LIMIT 500) RETURNING id
 * ```
 */
export const auditErasure: JobSection = {
  name: 'audit_log',
  firstCursor: [0],
  statements: 1,
  async page(central, { userId }, cursor) {
    const { results } = await central
      .prepare(
        'UPDATE audit_log SET ip_address = NULL, user_agent = NULL WHERE id IN (SELECT id FROM audit_log WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?) RETURNING id',
      )
      .bind(userId, cursor[0], PAGE)
      .all<{ id: number }>();
    const last = Math.max(0, ...results.map((row) => row.id));
    return { rows: results.length, records: [], next: results.length < PAGE ? null : [last] };
  },
};

/**
 * Deletes the archives of the user's earlier exports: they hold everything erasure removes.
 *
 * ```sql
 * DELETE FROM export_chunks WHERE rowid IN (
 *   SELECT c.rowid FROM privacy_jobs j JOIN export_chunks c ON c.job_id = j.id
 *   WHERE j.user_id = ? AND j.kind = 'export' LIMIT 50)
 * ```
 */
export const exportArchivesErasure: JobSection = {
  name: 'export_archives',
  firstCursor: [],
  statements: 1,
  async page(central, { userId }) {
    const result = await central
      .prepare(
        "DELETE FROM export_chunks WHERE rowid IN (SELECT c.rowid FROM privacy_jobs j JOIN export_chunks c ON c.job_id = j.id WHERE j.user_id = ? AND j.kind = 'export' LIMIT ?)",
      )
      .bind(userId, CHUNK_PAGE)
      .run();
    const rows = result.meta.changes ?? 0;
    return { rows, records: [], next: rows < CHUNK_PAGE ? null : [] };
  },
};

/**
 * The central sections of an erasure that can be large; the profile, settings, memberships and
 * global ban are erased at once when the erasure starts (see `startErasure`).
 */
export const centralErasureSections: readonly JobSection[] = [auditErasure, exportArchivesErasure];
