import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Where each of the monitor's walks over the registry stopped (the last waddle id it handled), so
 * a registry too large for one invocation is covered over several cron ticks, in id order, and
 * the next tick resumes after it. 0 means "start from the beginning".
 */
export const createMonitorCursors: Migration = {
  name: '0011_create_monitor_cursors',
  up: (db) => [
    db.schema
      .createTable('monitor_cursors')
      .addColumn('name', 'text', (c) => c.primaryKey().notNull().check(sql`name IN ('size-sampling', 'optimize')`))
      .addColumn('after_waddle_id', 'integer', (c) => c.notNull().check(sql`after_waddle_id >= 0`))
      .addColumn('updated_at', 'integer', (c) => c.notNull())
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [db.schema.dropTable('monitor_cursors')],
};
