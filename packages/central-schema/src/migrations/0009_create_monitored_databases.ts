import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * The monitor's view of each database it watches (the central one, and every waddle database of
 * the registry): the latest size D1 reported, the growth fitted over recent samples and the days
 * left until the size limit, the last sampling attempt and its error (an unreachable database
 * stays listed, with the reason), and the last `PRAGMA optimize`. `waddle_id` is NULL for the
 * central database. The dashboard lists databases fullest first, through
 * `monitored_databases_by_size`.
 */
export const createMonitoredDatabases: Migration = {
  name: '0009_create_monitored_databases',
  up: (db) => [
    db.schema
      .createTable('monitored_databases')
      .addColumn('d1_database_id', 'text', (c) => c.primaryKey().notNull().check(sql`length(d1_database_id) BETWEEN 1 AND 64`))
      .addColumn('waddle_id', 'integer', (c) => c.references('waddles.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 64`))
      .addColumn('size_bytes', 'integer', (c) => c.check(sql`size_bytes >= 0`))
      .addColumn('sampled_at', 'integer')
      .addColumn('growth_bytes_per_day', 'real')
      .addColumn('days_to_full', 'real', (c) => c.check(sql`days_to_full >= 0`))
      .addColumn('sample_attempted_at', 'integer')
      .addColumn('sample_error', 'text', (c) => c.check(sql`length(sample_error) <= 1024`))
      .addColumn('optimized_at', 'integer')
      .addColumn('optimize_error', 'text', (c) => c.check(sql`length(optimize_error) <= 1024`))
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('monitored_databases_by_size').on('monitored_databases').columns(['size_bytes desc', 'd1_database_id']),
    db.schema.createIndex('monitored_databases_by_waddle').on('monitored_databases').column('waddle_id'),
  ],
  down: (db) => [db.schema.dropTable('monitored_databases')],
};
