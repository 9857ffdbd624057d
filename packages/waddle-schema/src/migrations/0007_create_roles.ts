import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Roles carry a permission bitfield (documented with the API); a higher position outranks.
 * D1 caps the length of a GLOB pattern, so the color check spells `#rrggbb` without six classes.
 */
export const createRoles: Migration = {
  name: '0007_create_roles',
  up: (db) => [
    db.schema
      .createTable('roles')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) BETWEEN 1 AND 100`))
      .addColumn('color', 'text', (c) => c.check(sql`length(color) = 7 AND color GLOB '#*' AND substr(color, 2) NOT GLOB '*[^0-9A-Fa-f]*'`))
      .addColumn('permissions', 'integer', (c) => c.notNull().defaultTo(0).check(sql`permissions >= 0`))
      .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_mentionable', 'integer', (c) => c.notNull().defaultTo(1).check(sql`is_mentionable IN (0, 1)`))
      .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('roles_by_position').on('roles').columns(['position', 'id']),
  ],
  down: (db) => [db.schema.dropTable('roles')],
};
