import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** The monitor's measurements: the size D1 reports for a database at a moment. */
export const createSizeSamples: Migration = {
  name: '0007_create_size_samples',
  up: (db) => [
    db.schema
      .createTable('size_samples')
      .addColumn('d1_database_id', 'text', (c) => c.notNull())
      .addColumn('sampled_at', 'integer', (c) => c.notNull())
      .addColumn('size_bytes', 'integer', (c) => c.notNull().check(sql`size_bytes >= 0`))
      .addPrimaryKeyConstraint('size_samples_pk', ['d1_database_id', 'sampled_at'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [db.schema.dropTable('size_samples')],
};
