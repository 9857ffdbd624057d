import type { Compilable } from 'kysely';
import { type BatchResults, runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { closeStaleParticipations } from './stale-participations.ts';
import { type VoiceSessionRow, voiceSessionQuery } from './voice-session-row.ts';

/** A session of a channel, and the caller's "now": what a voice request on one session names. */
export interface VoiceSessionTarget {
  readonly channelId: number;
  readonly sessionId: number;
  readonly now: number;
}

/** What a {@link voiceSessionBatch} came to. */
export interface VoiceSessionBatchResult {
  /** The session after the writes; `undefined` when the channel has no such session. */
  readonly session: VoiceSessionRow | undefined;
  /** How many rows each write changed, in the order of the writes. */
  readonly changes: readonly number[];
}

/**
 * Runs the writes of a request on one voice session (joining, leaving, ending it) in one atomic
 * `batch()`, between the two statements each such batch has: first the stale sweep (so no write
 * sees a stale participation open), last the session's read (so the answer is the session as the
 * writes left it).
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * …;                                                                                     -- the writes
 * select … from "voice_sessions" as "s" where "s"."id" = ? and "s"."channel_id" = ?;    -- voiceSessionQuery
 * ```
 *
 * @example
 * ```ts
 * const { session, changes: [left = 0] } = await voiceSessionBatch(waddle, { channelId: 4, sessionId: 9, now }, [leave]);
 * ```
 */
export async function voiceSessionBatch(
  waddle: WaddleDatabase,
  target: VoiceSessionTarget,
  writes: readonly Compilable<unknown>[],
): Promise<VoiceSessionBatchResult> {
  const { db } = waddle;
  const readSession = voiceSessionQuery(db).where('s.id', '=', target.sessionId).where('s.channel_id', '=', target.channelId);
  const results = await runBatch(waddle, [closeStaleParticipations(db, target.now), ...writes, readSession]);
  // One result per statement, in order: the session's read is the last one.
  const read = results.at(-1) as BatchResults<[typeof readSession]>[0];
  return { session: read.results[0], changes: results.slice(1, -1).map((result) => result.meta.changes ?? 0) };
}
