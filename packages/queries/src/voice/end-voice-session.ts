import type { WaddleDatabase } from '../waddle-database.ts';
import { voiceSessionBatch } from './voice-session-batch.ts';
import type { VoiceSessionRow } from './voice-session-row.ts';

/** What ending a voice session came to. */
export type EndVoiceSessionResult =
  /** Ended now: every participation still open in it closed at the same time. */
  | { readonly outcome: 'ended'; readonly session: VoiceSessionRow }
  /** It had ended before (explicitly, with its last participant, or gone stale): nothing changed. */
  | { readonly outcome: 'already_ended'; readonly session: VoiceSessionRow }
  /** It is open, and the caller neither started it nor may end any session: nothing changed. */
  | { readonly outcome: 'not_allowed'; readonly session: VoiceSessionRow }
  | { readonly outcome: 'not_found' };

/**
 * Ends a session of a channel, in one atomic `batch()`: by the member who started it, or by
 * anyone when `mayEndAny` (the API gives it to MANAGE_CHANNELS). The schema's trigger closes every
 * participation still open in it at the same time.
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * update "voice_sessions" set "ended_at" = max(?, "started_at")
 *   where "id" = ? and "channel_id" = ? and "ended_at" is null and "started_by" = ?;   -- the started_by term unless mayEndAny
 * select … from "voice_sessions" as "s" where "s"."id" = ? and "s"."channel_id" = ?;    -- voiceSessionQuery
 * ```
 *
 * @example
 * ```ts
 * const ended = await endVoiceSession(waddle, { channelId: 4, sessionId: 9, userId: 42, mayEndAny: false, now: context.now });
 * ```
 */
export async function endVoiceSession(
  waddle: WaddleDatabase,
  end: {
    readonly channelId: number;
    readonly sessionId: number;
    readonly userId: number;
    readonly mayEndAny: boolean;
    readonly now: number;
  },
): Promise<EndVoiceSessionResult> {
  const { db } = waddle;
  const { channelId, sessionId, userId, now } = end;
  let update = db
    .updateTable('voice_sessions')
    .set((eb) => ({ ended_at: eb.fn<number>('max', [eb.val(now), eb.ref('started_at')]) }))
    .where('id', '=', sessionId)
    .where('channel_id', '=', channelId)
    .where('ended_at', 'is', null);
  if (!end.mayEndAny) update = update.where('started_by', '=', userId);
  const {
    session,
    changes: [ended = 0],
  } = await voiceSessionBatch(waddle, end, [update]);
  if (!session) return { outcome: 'not_found' };
  if (ended > 0) return { outcome: 'ended', session };
  return { outcome: session.ended_at === null ? 'not_allowed' : 'already_ended', session };
}
