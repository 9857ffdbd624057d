import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Every member holds the waddle's default role (`@everyone`) without a `member_roles` row: its
 * permissions are what any member may do. Exactly one role is the default (a partial unique
 * index), it has id 0 (roles numbered from 1 keep their ids), and it cannot be deleted. It starts
 * with view channel, send messages, add reactions and create threads (bits 0, 1, 8 and 9 of the
 * API's permission bitfield: 771).
 */
export const addDefaultRole: Migration = {
  name: '0016_add_default_role',
  up: () => [
    sql`ALTER TABLE roles ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))`,
    sql`CREATE UNIQUE INDEX roles_one_default ON roles (is_default) WHERE is_default = 1`,
    sql`INSERT INTO roles (id, name, permissions, position, is_default) VALUES (0, '@everyone', 771, 0, 1)`,
    sql`CREATE TRIGGER roles_keep_default BEFORE DELETE ON roles WHEN old.is_default = 1
      BEGIN SELECT RAISE(ABORT, 'roles: the default role cannot be deleted'); END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER roles_keep_default`,
    sql`DELETE FROM roles WHERE is_default = 1`,
    db.schema.dropIndex('roles_one_default'),
    sql`ALTER TABLE roles DROP COLUMN is_default`,
  ],
};
