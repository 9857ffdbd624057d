import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

export const createCategories: Migration = {
  name: '0001_create_categories',
  up: (db) => [
    db.schema
      .createTable('categories')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 100`))
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('collapsed_by_default', 'integer', (c) => c.notNull().defaultTo(0).check(sql`collapsed_by_default IN (0, 1)`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('categories_by_position').on('categories').columns(['position', 'id']),
  ],
  down: (db) => [db.schema.dropTable('categories')],
};
