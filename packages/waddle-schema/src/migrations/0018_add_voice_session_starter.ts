import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * Who started a voice session (NULL for sessions from before, and once the starter is erased),
 * so a data export can list the sessions a user started. With the index on the user of
 * `slow_mode_clocks`, an erasure finds everything of one user through an index.
 */
export const addVoiceSessionStarter: Migration = {
  name: '0018_add_voice_session_starter',
  up: (db) => [
    db.schema.alterTable('voice_sessions').addColumn('started_by', 'integer'),
    db.schema
      .createIndex('voice_sessions_by_starter')
      .on('voice_sessions')
      .columns(['started_by', 'id'])
      .where(sql<boolean>`started_by IS NOT NULL`),
    db.schema.createIndex('slow_mode_clocks_by_user').on('slow_mode_clocks').columns(['user_id', 'channel_id']),
  ],
  down: (db) => [
    db.schema.dropIndex('slow_mode_clocks_by_user'),
    db.schema.dropIndex('voice_sessions_by_starter'),
    db.schema.alterTable('voice_sessions').dropColumn('started_by'),
  ],
};
