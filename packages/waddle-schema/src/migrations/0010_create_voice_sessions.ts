import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

export const createVoiceSessions: Migration = {
  name: '0010_create_voice_sessions',
  up: (db) => [
    db.schema
      .createTable('voice_sessions')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('channel_id', 'integer', (c) => c.notNull().references('channels.id').onDelete('cascade'))
      .addColumn('rtk_session_id', 'text')
      .addColumn('started_at', 'integer', (c) => c.notNull().defaultTo(sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`))
      .addColumn('ended_at', 'integer', (c) => c.check(sql`ended_at >= started_at`))
      .addColumn('max_participants', 'integer', (c) => c.notNull().defaultTo(0).check(sql`max_participants >= 0`))
      .addColumn('recording_url', 'text')
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('voice_sessions_by_channel').on('voice_sessions').columns(['channel_id', 'started_at desc']),
  ],
  down: (db) => [db.schema.dropTable('voice_sessions')],
};
