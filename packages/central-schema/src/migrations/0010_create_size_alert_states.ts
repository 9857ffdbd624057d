import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Which size alerts are raised: one row per database and level while the database stays at or
 * above that level. A row appears when the monitor sends the alert and disappears when the
 * database drops below, so an alert goes out once per crossing, not on every sample.
 */
export const createSizeAlertStates: Migration = {
  name: '0010_create_size_alert_states',
  up: (db) => [
    db.schema
      .createTable('size_alert_states')
      .addColumn('d1_database_id', 'text', (c) => c.notNull().check(sql`length(d1_database_id) BETWEEN 1 AND 64`))
      .addColumn('level', 'text', (c) => c.notNull().check(sql`level IN ('warning', 'critical')`))
      .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason IN ('threshold', 'projection')`))
      .addColumn('raised_at', 'integer', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes >= 0`))
      .addPrimaryKeyConstraint('size_alert_states_pk', ['d1_database_id', 'level'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [db.schema.dropTable('size_alert_states')],
};
