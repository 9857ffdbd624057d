import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Who did what to which resource. The id increases with time, so "newest first" is
 * `ORDER BY id DESC` on an index ending in `id`: no ties, no sort.
 */
export const createAuditLog: Migration = {
  name: '0006_create_audit_log',
  up: (db) => [
    db.schema
      .createTable('audit_log')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement().notNull())
      .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('action', 'text', (c) => c.notNull().check(sql`length(action) BETWEEN 1 AND 64`))
      .addColumn('resource_type', 'text', (c) => c.check(sql`length(resource_type) <= 64`))
      .addColumn('resource_id', 'text', (c) => c.check(sql`length(resource_id) <= 128`))
      .addColumn('metadata', 'text', (c) => c.check(sql`json_valid(metadata)`))
      .addColumn('ip_address', 'text', (c) => c.check(sql`length(ip_address) <= 45`))
      .addColumn('user_agent', 'text', (c) => c.check(sql`length(user_agent) <= 512`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('audit_log_by_user').on('audit_log').columns(['user_id', 'id']),
    db.schema.createIndex('audit_log_by_resource').on('audit_log').columns(['resource_type', 'resource_id', 'id']),
  ],
  down: (db) => [db.schema.dropTable('audit_log')],
};
