import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Audit entries about a user who did not act in them (a kick, a ban, a role grant name the
 * member in `metadata.userId`): a data export lists them through this index, newest last.
 */
export const indexAuditLogBySubject: Migration = {
  name: '0015_index_audit_log_by_subject',
  up: () => [sql`CREATE INDEX audit_log_by_subject ON audit_log (json_extract(metadata, '$.userId'), id)`],
  down: (db) => [db.schema.dropIndex('audit_log_by_subject')],
};
