import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/** Per user and channel: the newest message id the user has read. */
export const createReadStates: Migration = {
  name: '0012_create_read_states',
  up: (db) => [
    db.schema
      .createTable('read_states')
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('last_read_message_id', 'integer', (c) => c.notNull().defaultTo(0).check(sql`last_read_message_id >= 0`))
      .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addPrimaryKeyConstraint('read_states_pk', ['user_id', 'channel_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
  ],
  down: (db) => [db.schema.dropTable('read_states')],
};
