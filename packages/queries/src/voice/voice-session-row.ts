import type { DB } from '@waddle/waddle-schema/database';
import type { Kysely } from 'kysely';

/** A voice session as the library answers it: the row with how many are in it now. */
export interface VoiceSessionRow {
  readonly id: number;
  readonly channel_id: number;
  /** Who started it; `null` once they are erased (or for sessions from before migration 0018). */
  readonly started_by: number | null;
  readonly started_at: number;
  /** `null` while it is open. */
  readonly ended_at: number | null;
  /** The most participants it had at once. */
  readonly max_participants: number;
  /** Its open participations now (0 once it ended). */
  readonly participant_count: number;
}

/**
 * The select of {@link VoiceSessionRow}s (filter and order it), the open participations counted
 * through the partial index on them. Built, not run.
 *
 * ```sql
 * select "s"."id", "s"."channel_id", "s"."started_by", "s"."started_at", "s"."ended_at", "s"."max_participants",
 *   (select count(*) from "voice_session_participants" as "p"
 *    where "p"."session_id" = "s"."id" and "p"."left_at" is null) as "participant_count"   -- voice_participants_open_by_session
 * from "voice_sessions" as "s"
 * ```
 *
 * @example
 * ```ts
 * const session = await voiceSessionQuery(waddle.db).where('s.id', '=', 7).executeTakeFirst();
 * ```
 */
export function voiceSessionQuery(db: Kysely<DB>) {
  return db.selectFrom('voice_sessions as s').select((eb) => [
    's.id',
    's.channel_id',
    's.started_by',
    's.started_at',
    's.ended_at',
    's.max_participants',
    eb
      .selectFrom('voice_session_participants as p')
      .select((inner) => inner.fn.countAll<number>().as('n'))
      .whereRef('p.session_id', '=', 's.id')
      .where('p.left_at', 'is', null)
      .$asScalar()
      .$notNull()
      .as('participant_count'),
  ]);
}
