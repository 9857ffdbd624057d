import type { DB } from '@waddle/waddle-schema/database';
import type { Kysely } from 'kysely';
import { boundLimit } from '../bound-limit.ts';

/**
 * How long a participant stays in a voice session without a sign of life: 5 minutes. A client
 * repeats its join (`joinVoiceSession`) as a keep-alive, well within it (every minute, say); a
 * participation not seen for longer is stale and closes at the time it was last seen.
 */
export const VOICE_PARTICIPANT_TIMEOUT_MS = 5 * 60_000;

/** Stale participations closed per statement, so one request's work stays bounded. */
export const STALE_PARTICIPATIONS_PER_SWEEP = 100;

/**
 * The statement that closes the waddle's stale participations (not seen for
 * {@link VOICE_PARTICIPANT_TIMEOUT_MS} before `now`), the longest-silent first, at most
 * {@link STALE_PARTICIPATIONS_PER_SWEEP}: each leaves at the time it was last seen, and the
 * schema's triggers end a session whose last open participation this closes (at the latest time
 * anyone was seen in it). Every voice query of the library sends it first in its batch, so no
 * answer shows a stale session open: staleness is applied lazily, on the next voice request of the
 * waddle, with the caller's clock. Built, not run.
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at"
 * where "id" in (select "id" from "voice_session_participants" where "left_at" is null and "last_seen_at" < ?
 *                order by "last_seen_at" limit CAST(? AS INTEGER))   -- now - 300,000; 100; index voice_participants_open_by_last_seen
 * ```
 *
 * @example
 * ```ts
 * await runBatch(waddle, [closeStaleParticipations(waddle.db, context.now), …]);
 * ```
 */
export function closeStaleParticipations(db: Kysely<DB>, now: number) {
  return db
    .updateTable('voice_session_participants')
    .set((eb) => ({ left_at: eb.ref('last_seen_at') }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('voice_session_participants')
        .select('id')
        .where('left_at', 'is', null)
        .where('last_seen_at', '<', now - VOICE_PARTICIPANT_TIMEOUT_MS)
        .orderBy('last_seen_at')
        .limit(boundLimit(STALE_PARTICIPATIONS_PER_SWEEP)),
    );
}
