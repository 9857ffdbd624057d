import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { closeStaleParticipations } from './stale-participations.ts';
import { type VoiceSessionRow, voiceSessionQuery } from './voice-session-row.ts';

/** What starting a voice session came to. */
export type StartVoiceSessionResult =
  | { readonly outcome: 'started'; readonly session: VoiceSessionRow }
  /** The channel already has an open session (join it instead): nothing was written. */
  | { readonly outcome: 'channel_busy' };

/**
 * Starts a voice session in a channel with its starter as the first participant, in one atomic
 * `batch()`: stale participations of the waddle are closed first (see
 * `closeStaleParticipations`; a stale session of this channel ends and frees it), then the session
 * is inserted, the starter leaves the session they were in (a member is in one session of the
 * waddle at a time), and joins the new one. The schema keeps one open session per channel: when
 * another is open the insert fails, the whole batch is rolled back, and the answer is
 * `channel_busy`. The caller checks the channel (its type, who may see it).
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * insert into "voice_sessions" ("channel_id", "started_by", "started_at") values (?, ?, ?);
 * update "voice_session_participants" set "left_at" = max(?, "last_seen_at") where "user_id" = ? and "left_at" is null;
 * insert into "voice_session_participants" ("session_id", "user_id", "joined_at", "last_seen_at")
 *   select "id", ?, ?, ? from "voice_sessions" where "channel_id" = ? and "ended_at" is null;   -- the new session
 * select … from "voice_sessions" as "s" where "s"."channel_id" = ? and "s"."ended_at" is null;   -- voiceSessionQuery
 * ```
 *
 * @example
 * ```ts
 * const started = await startVoiceSession(waddle, { channelId: 4, userId: 42, now: context.now });
 * if (started.outcome === 'channel_busy') … // 409
 * ```
 */
export async function startVoiceSession(
  waddle: WaddleDatabase,
  start: { readonly channelId: number; readonly userId: number; readonly now: number },
): Promise<StartVoiceSessionResult> {
  const { db } = waddle;
  const { channelId, userId, now } = start;
  try {
    const [, , , , read] = await runBatch(waddle, [
      closeStaleParticipations(db, now),
      db.insertInto('voice_sessions').values({ channel_id: channelId, started_by: userId, started_at: now }),
      db
        .updateTable('voice_session_participants')
        .set((eb) => ({ left_at: eb.fn<number>('max', [eb.val(now), eb.ref('last_seen_at')]) }))
        .where('user_id', '=', userId)
        .where('left_at', 'is', null),
      db
        .insertInto('voice_session_participants')
        .columns(['session_id', 'user_id', 'joined_at', 'last_seen_at'])
        .expression((eb) =>
          eb
            .selectFrom('voice_sessions')
            .select((inner) => ['id', inner.val(userId).as('user_id'), inner.val(now).as('joined_at'), inner.val(now).as('last_seen_at')])
            .where('channel_id', '=', channelId)
            .where('ended_at', 'is', null),
        ),
      voiceSessionQuery(db).where('s.channel_id', '=', channelId).where('s.ended_at', 'is', null),
    ]);
    const [session] = read.results;
    // The batch inserted it: the channel's one open session is the new one, read in the same transaction.
    if (!session) throw new Error(`voice session of channel ${channelId}: inserted but not read back`);
    return { outcome: 'started', session };
  } catch (error) {
    if (error instanceof Error && error.message.includes('UNIQUE constraint failed: voice_sessions.channel_id')) {
      return { outcome: 'channel_busy' };
    }
    throw error;
  }
}
