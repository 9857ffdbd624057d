import type { WaddleDatabase } from '../waddle-database.ts';
import { voiceSessionBatch } from './voice-session-batch.ts';
import type { VoiceSessionRow } from './voice-session-row.ts';

/** What leaving a voice session came to. */
export type LeaveVoiceSessionResult =
  /** The member left; the session as it is after (ended if they were the last one in). */
  | { readonly outcome: 'left'; readonly session: VoiceSessionRow }
  /** They were not in it (never joined, left already, or closed as stale): nothing changed. */
  | { readonly outcome: 'not_in'; readonly session: VoiceSessionRow }
  | { readonly outcome: 'not_found' };

/**
 * A member leaves a session of a channel, in one atomic `batch()`. When they were its last
 * participant, the schema's trigger ends the session at the time they left.
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * update "voice_session_participants" set "left_at" = max(?, "last_seen_at")
 *   where "session_id" = ? and "user_id" = ? and "left_at" is null
 *   and exists (select 1 from "voice_sessions" where "id" = ? and "channel_id" = ?);
 * select … from "voice_sessions" as "s" where "s"."id" = ? and "s"."channel_id" = ?;    -- voiceSessionQuery
 * ```
 *
 * @example
 * ```ts
 * const left = await leaveVoiceSession(waddle, { channelId: 4, sessionId: 9, userId: 42, now: context.now });
 * ```
 */
export async function leaveVoiceSession(
  waddle: WaddleDatabase,
  leave: { readonly channelId: number; readonly sessionId: number; readonly userId: number; readonly now: number },
): Promise<LeaveVoiceSessionResult> {
  const { db } = waddle;
  const { channelId, sessionId, userId, now } = leave;
  const {
    session,
    changes: [left = 0],
  } = await voiceSessionBatch(waddle, leave, [
    db
      .updateTable('voice_session_participants')
      .set((eb) => ({ left_at: eb.fn<number>('max', [eb.val(now), eb.ref('last_seen_at')]) }))
      .where('session_id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('left_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('voice_sessions').select(eb.lit(1).as('one')).where('id', '=', sessionId).where('channel_id', '=', channelId),
        ),
      ),
  ]);
  if (!session) return { outcome: 'not_found' };
  return { outcome: left > 0 ? 'left' : 'not_in', session };
}
