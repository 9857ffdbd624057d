import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** Roles of a member (the key) and members of a role (the index). */
export const createMemberRoles: Migration = {
  name: '0008_create_member_roles',
  up: (db) => [
    db.schema
      .createTable('member_roles')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('role_id', 'integer', (c) => c.notNull().references('roles.id').onDelete('cascade'))
      .addColumn('granted_by', 'integer', (c) => c.notNull())
      .addColumn('granted_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addPrimaryKeyConstraint('member_roles_pk', ['user_id', 'role_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    db.schema.createIndex('member_roles_by_role').on('member_roles').columns(['role_id', 'user_id']),
  ],
  down: (db) => [db.schema.dropTable('member_roles')],
};
