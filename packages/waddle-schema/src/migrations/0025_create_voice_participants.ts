import type { Migration } from '@waddle/migrator/migration';
import { sql } from 'kysely';

/**
 * The lifecycle of voice sessions: who was in each and when, and the rules the schema itself keeps.
 *
 * **`voice_session_participants`**: one row per stint of a member in a session (joining again
 * after leaving is a new row), with `joined_at`, `last_seen_at` (moved by each repeated join, the
 * participant's keep-alive) and `left_at` (`NULL` while they are in). A row whose `left_at` is
 * `NULL` is an *open participation*.
 *
 * Kept by the schema, whoever writes:
 * - a channel has at most one open session (`ended_at IS NULL`): a partial unique index;
 * - a member is in at most one session of the waddle at a time: a partial unique index on the open
 *   participations by user (this database is the waddle's);
 * - a participation opens only in a session that has not ended, and an ended session stays ended;
 * - `max_participants` is raised by the statement that inserts a participation, to the number of
 *   open participations of the session after it (a trigger: it is exact however joins race, since
 *   every write to the database is a transaction of its own, and a `batch()` is one);
 * - when the last open participation of a session closes (a leave, a stale participant closed, an
 *   erasure deleting it), the session ends at the latest time anyone was seen in it;
 * - when a session ends, every participation still open in it closes at that time.
 *
 * Sessions of earlier versions had no participants and no way to end: any still open is closed at
 * its start (a statement over a table no route wrote before), so the unique index can be built.
 */
export const createVoiceParticipants: Migration = {
  name: '0025_create_voice_participants',
  up: (db) => [
    sql`UPDATE voice_sessions SET ended_at = started_at WHERE ended_at IS NULL`,
    db.schema
      .createTable('voice_session_participants')
      .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
      .addColumn('session_id', 'integer', (c) => c.notNull().references('voice_sessions.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull())
      .addColumn('joined_at', 'integer', (c) => c.notNull())
      .addColumn('last_seen_at', 'integer', (c) => c.notNull().check(sql`last_seen_at >= joined_at`))
      .addColumn('left_at', 'integer', (c) => c.check(sql`left_at >= last_seen_at`))
      .modifyEnd(sql`STRICT`),
    db.schema.createIndex('voice_participants_by_session').on('voice_session_participants').column('session_id'),
    db.schema.createIndex('voice_participants_by_user').on('voice_session_participants').column('user_id'),
    db.schema
      .createIndex('voice_participants_open_by_session')
      .on('voice_session_participants')
      .column('session_id')
      .where(sql<boolean>`left_at IS NULL`),
    db.schema
      .createIndex('voice_participants_open_by_last_seen')
      .on('voice_session_participants')
      .column('last_seen_at')
      .where(sql<boolean>`left_at IS NULL`),
    db.schema
      .createIndex('voice_participants_one_open_per_user')
      .unique()
      .on('voice_session_participants')
      .column('user_id')
      .where(sql<boolean>`left_at IS NULL`),
    db.schema
      .createIndex('voice_sessions_one_open_per_channel')
      .unique()
      .on('voice_sessions')
      .column('channel_id')
      .where(sql<boolean>`ended_at IS NULL`),
    sql`CREATE TRIGGER voice_participants_only_in_open_sessions BEFORE INSERT ON voice_session_participants
      WHEN new.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM voice_sessions WHERE id = new.session_id AND ended_at IS NULL)
      BEGIN SELECT RAISE(ABORT, 'voice_session_participants: the session has ended'); END`,
    sql`CREATE TRIGGER voice_sessions_stay_ended BEFORE UPDATE OF ended_at ON voice_sessions
      WHEN old.ended_at IS NOT NULL AND new.ended_at IS NOT old.ended_at
      BEGIN SELECT RAISE(ABORT, 'voice_sessions: an ended session stays ended'); END`,
    sql`CREATE TRIGGER voice_participants_raise_peak AFTER INSERT ON voice_session_participants
      WHEN new.left_at IS NULL
      BEGIN
        UPDATE voice_sessions SET max_participants = max(max_participants,
          (SELECT count(*) FROM voice_session_participants WHERE session_id = new.session_id AND left_at IS NULL))
        WHERE id = new.session_id;
      END`,
    sql`CREATE TRIGGER voice_participants_end_with_last_leave AFTER UPDATE OF left_at ON voice_session_participants
      WHEN old.left_at IS NULL AND new.left_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM voice_session_participants WHERE session_id = new.session_id AND left_at IS NULL)
      BEGIN
        UPDATE voice_sessions SET ended_at = max(started_at,
          (SELECT max(left_at) FROM voice_session_participants WHERE session_id = new.session_id))
        WHERE id = new.session_id AND ended_at IS NULL;
      END`,
    sql`CREATE TRIGGER voice_participants_end_with_last_deleted AFTER DELETE ON voice_session_participants
      WHEN old.left_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM voice_session_participants WHERE session_id = old.session_id AND left_at IS NULL)
      BEGIN
        UPDATE voice_sessions SET ended_at = max(started_at, old.last_seen_at,
          coalesce((SELECT max(left_at) FROM voice_session_participants WHERE session_id = old.session_id), 0))
        WHERE id = old.session_id AND ended_at IS NULL;
      END`,
    sql`CREATE TRIGGER voice_sessions_close_participations AFTER UPDATE OF ended_at ON voice_sessions
      WHEN old.ended_at IS NULL AND new.ended_at IS NOT NULL
      BEGIN
        UPDATE voice_session_participants SET left_at = max(new.ended_at, last_seen_at)
        WHERE session_id = new.id AND left_at IS NULL;
      END`,
  ],
  down: (db) => [
    sql`DROP TRIGGER voice_sessions_close_participations`,
    sql`DROP TRIGGER voice_participants_end_with_last_deleted`,
    sql`DROP TRIGGER voice_participants_end_with_last_leave`,
    sql`DROP TRIGGER voice_participants_raise_peak`,
    sql`DROP TRIGGER voice_sessions_stay_ended`,
    sql`DROP TRIGGER voice_participants_only_in_open_sessions`,
    db.schema.dropIndex('voice_sessions_one_open_per_channel'),
    db.schema.dropTable('voice_session_participants'),
  ],
};
