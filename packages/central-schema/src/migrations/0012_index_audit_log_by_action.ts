import type { Migration } from '@waddle/migrator/migration';

/** The newest audit entries of one action (the monitor's dashboard lists the size alerts sent). */
export const indexAuditLogByAction: Migration = {
  name: '0012_index_audit_log_by_action',
  up: (db) => [db.schema.createIndex('audit_log_by_action').on('audit_log').columns(['action', 'id'])],
  down: (db) => [db.schema.dropIndex('audit_log_by_action')],
};
