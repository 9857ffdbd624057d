import type { JobSection } from '../job-section.ts';

const PAGE = 500;

/**
 * The profile: the user's row, settings and any global ban about them, in one round trip.
 *
 * ```sql
 * SELECT id, username, email, display_name, avatar_url, bio, is_anonymous, locale, timezone, created_at, updated_at, deleted_at FROM users WHERE id = ?;
 * SELECT * FROM user_settings WHERE user_id = ?;
 * SELECT * FROM global_bans WHERE user_id = ?;
 * ```
 */
export const profileExport: JobSection = {
  name: 'profile',
  firstCursor: [],
  statements: 3,
  async page(central, { userId }) {
    const [users, settings, bans] = await central.batch<Record<string, unknown>>([
      central
        .prepare(
          'SELECT id, username, email, display_name, avatar_url, bio, is_anonymous, locale, timezone, created_at, updated_at, deleted_at FROM users WHERE id = ?',
        )
        .bind(userId),
      central.prepare('SELECT * FROM user_settings WHERE user_id = ?').bind(userId),
      central.prepare('SELECT * FROM global_bans WHERE user_id = ?').bind(userId),
    ]);
    const records = [
      ...users!.results.map((data) => ({ type: 'profile', data })),
      ...settings!.results.map((data) => ({ type: 'settings', data })),
      ...bans!.results.map((data) => ({ type: 'global_ban', data })),
    ];
    return { rows: records.length, records, next: null };
  },
};

/**
 * Every waddle the user ever joined, with the current membership (nickname, notification level)
 * when they still belong to it, and whether they own it.
 *
 * ```sql
 * SELECT uw.waddle_id, w.name AS waddle_name, uw.first_joined_at, m.nickname, m.joined_at, m.last_read_at, m.notification_level,
 *        m.user_id IS NOT NULL AS is_member, w.owner_id IS uw.user_id AS is_owner
 * FROM user_waddles uw LEFT JOIN waddles w ON w.id = uw.waddle_id
 *   LEFT JOIN waddle_members m ON m.waddle_id = uw.waddle_id AND m.user_id = uw.user_id
 * WHERE uw.user_id = ? AND uw.waddle_id > ? ORDER BY uw.waddle_id LIMIT 500
 * ```
 */
export const membershipsExport: JobSection = {
  name: 'memberships',
  firstCursor: [0],
  statements: 1,
  async page(central, { userId }, cursor) {
    const { results } = await central
      .prepare(
        `SELECT uw.waddle_id, w.name AS waddle_name, uw.first_joined_at, m.nickname, m.joined_at, m.last_read_at, m.notification_level,
                m.user_id IS NOT NULL AS is_member, w.owner_id IS uw.user_id AS is_owner
         FROM user_waddles uw LEFT JOIN waddles w ON w.id = uw.waddle_id
           LEFT JOIN waddle_members m ON m.waddle_id = uw.waddle_id AND m.user_id = uw.user_id
         WHERE uw.user_id = ? AND uw.waddle_id > ? ORDER BY uw.waddle_id LIMIT ?`,
      )
      .bind(userId, cursor[0], PAGE)
      .all<Record<string, unknown> & { waddle_id: number }>();
    return {
      rows: results.length,
      records: results.map((data) => ({ type: 'membership', waddleId: data.waddle_id, data })),
      next: results.length < PAGE ? null : [results.at(-1)!.waddle_id],
    };
  },
};

/**
 * Audit entries of the user's own actions (with the address and user agent recorded).
 *
 * ```sql
 * SELECT * FROM audit_log WHERE user_id = ? AND id > ? ORDER BY id LIMIT 500   -- audit_log_by_user
 * ```
 */
export const ownAuditExport: JobSection = {
  name: 'audit_own',
  firstCursor: [0],
  statements: 1,
  async page(central, { userId }, cursor) {
    const { results } = await central
      .prepare('SELECT * FROM audit_log WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?')
      .bind(userId, cursor[0], PAGE)
      .all<Record<string, unknown> & { id: number }>();
    return {
      rows: results.length,
      records: results.map((data) => ({ type: 'audit_entry', data })),
      next: results.length < PAGE ? null : [results.at(-1)!.id],
    };
  },
};

/**
 * Audit entries about the user by someone else (kicks, bans, role grants name them in
 * `metadata.userId`). The actor's address and user agent are theirs, not the user's: left out.
 *
 * ```sql
 * SELECT id, user_id, action, resource_type, resource_id, metadata, created_at FROM audit_log
 * WHERE json_extract(metadata, '$.userId') = ? AND id > ? ORDER BY id LIMIT 500   -- audit_log_by_subject
 * ```
 */
export const auditAboutExport: JobSection = {
  name: 'audit_about',
  firstCursor: [0],
  statements: 1,
  async page(central, { userId }, cursor) {
    const { results } = await central
      .prepare(
        "SELECT id, user_id, action, resource_type, resource_id, metadata, created_at FROM audit_log WHERE json_extract(metadata, '$.userId') = ? AND id > ? ORDER BY id LIMIT ?",
      )
      .bind(userId, cursor[0], PAGE)
      .all<Record<string, unknown> & { id: number }>();
    return {
      rows: results.length,
      records: results.map((data) => ({ type: 'audit_entry_about', data })),
      next: results.length < PAGE ? null : [results.at(-1)!.id],
    };
  },
};

/** The central sections of an export, in archive order. */
export const centralExportSections: readonly JobSection[] = [profileExport, membershipsExport, ownAuditExport, auditAboutExport];
