import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** Settings in their own table, so a data export can take them whole. */
export const createUserSettings: Migration = {
  name: '0002_create_user_settings',
  up: (db) => [
    db.schema
      .createTable('user_settings')
      .addColumn('user_id', 'integer', (c) => c.primaryKey().notNull().references('users.id').onDelete('cascade'))
      .addColumn('notifications_enabled', 'integer', (c) => c.notNull().defaultTo(1).check(sql`notifications_enabled IN (0, 1)`))
      .addColumn('notification_sound', 'text', (c) =>
        c.notNull().defaultTo('default').check(sql`length(notification_sound) BETWEEN 1 AND 64`),
      )
      .addColumn('theme', 'text', (c) => c.notNull().defaultTo('auto').check(sql`theme IN ('auto', 'light', 'dark')`))
      .addColumn('compact_mode', 'integer', (c) => c.notNull().defaultTo(0).check(sql`compact_mode IN (0, 1)`))
      .addColumn('developer_mode', 'integer', (c) => c.notNull().defaultTo(0).check(sql`developer_mode IN (0, 1)`))
      .addColumn('settings_json', 'text', (c) =>
        c.notNull().defaultTo('{}').check(sql`json_valid(settings_json) AND json_type(settings_json) = 'object'`),
      )
      .modifyEnd(sql`STRICT`),
  ],
  down: (db) => [db.schema.dropTable('user_settings')],
};
