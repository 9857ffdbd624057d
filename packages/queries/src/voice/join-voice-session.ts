import type { WaddleDatabase } from '../waddle-database.ts';
import { voiceSessionBatch } from './voice-session-batch.ts';
import type { VoiceSessionRow } from './voice-session-row.ts';

/** What joining a voice session came to. */
export type JoinVoiceSessionResult =
  /** The member is in it now (and left the session they were in before, if any). */
  | { readonly outcome: 'joined'; readonly session: VoiceSessionRow }
  /** They were in it already: their `last_seen_at` moved (the keep-alive). */
  | { readonly outcome: 'still_in'; readonly session: VoiceSessionRow }
  /** It has ended (perhaps just now, gone stale): nothing else changed. */
  | { readonly outcome: 'ended'; readonly session: VoiceSessionRow }
  /** No such session in this channel. */
  | { readonly outcome: 'not_found' };

/**
 * A member joins a session of a channel, in one atomic `batch()`. Joining a session one is in is
 * the keep-alive: it moves `last_seen_at` (see `VOICE_PARTICIPANT_TIMEOUT_MS`). Joining another
 * while in one **leaves the first** (as moving to another voice channel does), so a member is
 * in one session of the waddle at a time; the schema's unique index holds it whatever races.
 * `max_participants` is raised by the schema's trigger in the statement that inserts the
 * participation, so concurrent joins keep it exact. Nothing changes when the session has ended.
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * update "voice_session_participants" set "last_seen_at" = max(?, "last_seen_at")
 *   where "session_id" = ? and "user_id" = ? and "left_at" is null;                      -- already in: the keep-alive
 * update "voice_session_participants" set "left_at" = max(?, "last_seen_at")
 *   where "user_id" = ? and "left_at" is null and "session_id" <> ?
 *   and exists (select 1 from "voice_sessions" where "id" = ? and "channel_id" = ? and "ended_at" is null);   -- leave the other one
 * insert into "voice_session_participants" ("session_id", "user_id", "joined_at", "last_seen_at")
 *   select "id", ?, ?, ? from "voice_sessions" where "id" = ? and "channel_id" = ? and "ended_at" is null
 *   and not exists (select 1 from "voice_session_participants" where "user_id" = ? and "left_at" is null);
 * select … from "voice_sessions" as "s" where "s"."id" = ? and "s"."channel_id" = ?;    -- voiceSessionQuery
 * ```
 *
 * @example
 * ```ts
 * const joined = await joinVoiceSession(waddle, { channelId: 4, sessionId: 9, userId: 42, now: context.now });
 * ```
 */
export async function joinVoiceSession(
  waddle: WaddleDatabase,
  join: { readonly channelId: number; readonly sessionId: number; readonly userId: number; readonly now: number },
): Promise<JoinVoiceSessionResult> {
  const { db } = waddle;
  const { channelId, sessionId, userId, now } = join;
  const openSession = db
    .selectFrom('voice_sessions')
    .where('id', '=', sessionId)
    .where('channel_id', '=', channelId)
    .where('ended_at', 'is', null);
  const {
    session,
    changes: [keptAlive = 0, , inserted = 0],
  } = await voiceSessionBatch(waddle, join, [
    db
      .updateTable('voice_session_participants')
      .set((eb) => ({ last_seen_at: eb.fn<number>('max', [eb.val(now), eb.ref('last_seen_at')]) }))
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('left_at', 'is', null),
    db
      .updateTable('voice_session_participants')
      .set((eb) => ({ left_at: eb.fn<number>('max', [eb.val(now), eb.ref('last_seen_at')]) }))
      .where('user_id', '=', userId)
      .where('left_at', 'is', null)
      .where('session_id', '<>', sessionId)
      .where((eb) => eb.exists(openSession.select(eb.lit(1).as('one')))),
    db
      .insertInto('voice_session_participants')
      .columns(['session_id', 'user_id', 'joined_at', 'last_seen_at'])
      .expression((eb) =>
        openSession
          .select((inner) => ['id', inner.val(userId).as('user_id'), inner.val(now).as('joined_at'), inner.val(now).as('last_seen_at')])
          .where(({ not, exists }) =>
            not(
              exists(
                eb
                  .selectFrom('voice_session_participants')
                  .select(eb.lit(1).as('one'))
                  .where('user_id', '=', userId)
                  .where('left_at', 'is', null),
              ),
            ),
          ),
      ),
  ]);
  if (!session) return { outcome: 'not_found' };
  if (inserted > 0) return { outcome: 'joined', session };
  if (keptAlive > 0) return { outcome: 'still_in', session };
  return { outcome: 'ended', session };
}
