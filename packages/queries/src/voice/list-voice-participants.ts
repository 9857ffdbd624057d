import type { DB, VoiceSessionParticipants } from '@waddle/waddle-schema/database';
import type { Kysely, Selectable } from 'kysely';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { closeStaleParticipations } from './stale-participations.ts';
import { type VoiceSessionRow, voiceSessionQuery } from './voice-session-row.ts';
import { boundLimit } from '../bound-limit.ts';

/** One stint of a member in a session. */
export type VoiceParticipationRow = Pick<Selectable<VoiceSessionParticipants>, 'id' | 'user_id' | 'joined_at' | 'last_seen_at' | 'left_at'>;

/**
 * The query of a page of a session's participations in the order they joined (by id), after
 * `afterId`, at most `limit` rows, through the index `voice_participants_by_session`. Built, not run.
 *
 * ```sql
 * select "id", "user_id", "joined_at", "last_seen_at", "left_at" from "voice_session_participants"
 * where "session_id" = ? and "id" > ? order by "id" limit CAST(? AS INTEGER)
 * ```
 */
export function voiceParticipantPageQuery(db: Kysely<DB>, sessionId: number, limit: number, afterId = 0) {
  return db
    .selectFrom('voice_session_participants')
    .select(['id', 'user_id', 'joined_at', 'last_seen_at', 'left_at'])
    .where('session_id', '=', sessionId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(boundLimit(limit));
}

/**
 * A page of a session's participations (see {@link voiceParticipantPageQuery}), with the session,
 * when it is a session of this channel (else `session` is undefined and the page empty). The
 * waddle's stale participations are closed first in the same `batch()` (see
 * `closeStaleParticipations`).
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * select … from "voice_sessions" as "s" where "s"."id" = ? and "s"."channel_id" = ?;    -- voiceSessionQuery
 * select "id", "user_id", "joined_at", "last_seen_at", "left_at" from "voice_session_participants"
 *   where "session_id" = ? and "id" > ? order by "id" limit CAST(? AS INTEGER);                        -- dropped when the session is not this channel's
 * ```
 *
 * @example
 * ```ts
 * const { session, participations } = await listVoiceParticipants(waddle, { channelId: 4, sessionId: 9, now: context.now, limit: 51 });
 * ```
 */
export async function listVoiceParticipants(
  waddle: WaddleDatabase,
  page: {
    readonly channelId: number;
    readonly sessionId: number;
    readonly now: number;
    readonly limit: number;
    readonly afterId?: number;
  },
): Promise<{ session?: VoiceSessionRow; participations: VoiceParticipationRow[] }> {
  const { db } = waddle;
  const [, session, participations] = await runBatch(waddle, [
    closeStaleParticipations(db, page.now),
    voiceSessionQuery(db).where('s.id', '=', page.sessionId).where('s.channel_id', '=', page.channelId),
    voiceParticipantPageQuery(db, page.sessionId, page.limit, page.afterId),
  ]);
  const found = session.results[0];
  return found ? { session: found, participations: participations.results } : { participations: [] };
}
