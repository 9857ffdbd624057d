import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Slow mode: when a user last posted in a channel. A writer that enforces slow mode updates the
 * clock in the same batch as the message; the trigger aborts that batch (message included) when
 * the channel's `slow_mode_seconds` have not passed, so two posts racing each other cannot both
 * get through.
 */
export const createSlowModeClocks: Migration = {
  name: '0017_create_slow_mode_clocks',
  up: (db) => [
    db.schema
      .createTable('slow_mode_clocks')
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('last_message_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('slow_mode_clocks_pk', ['channel_id', 'user_id'])
      .modifyEnd(sql`STRICT, WITHOUT ROWID`),
    sql`CREATE TRIGGER slow_mode_clocks_enforce BEFORE UPDATE OF last_message_at ON slow_mode_clocks
      WHEN new.last_message_at < old.last_message_at + 1000 * (SELECT slow_mode_seconds FROM channels WHERE id = new.channel_id)
      BEGIN SELECT RAISE(ABORT, 'slow_mode: the channel''s slow mode has not elapsed for this user'); END`,
  ],
  down: (db) => [db.schema.dropTable('slow_mode_clocks')],
};
