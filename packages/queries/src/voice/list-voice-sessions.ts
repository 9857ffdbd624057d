import type { DB } from '@waddle/waddle-schema/database';
import type { Kysely } from 'kysely';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { closeStaleParticipations } from './stale-participations.ts';
import { type VoiceSessionRow, voiceSessionQuery } from './voice-session-row.ts';
import { boundLimit } from '../bound-limit.ts';

/** Where a page of sessions stopped: its last session's start time and id. */
export interface VoiceSessionPosition {
  readonly startedAt: number;
  readonly id: number;
}

/**
 * The query of a page of a channel's sessions, most recently started first (ties by id), after a
 * position, at most `limit` rows: one walk of the index `voice_sessions_by_channel`
 * (`channel_id, started_at DESC`, then the rowid), which delivers that order. Built, not run.
 *
 * ```sql
 * select … from "voice_sessions" as "s" where "s"."channel_id" = ?
 *   and "s"."started_at" <= ? and ("s"."started_at" < ? or "s"."id" > ?)   -- after a position
 * order by "s"."started_at" desc, "s"."id" limit CAST(? AS INTEGER)
 * ```
 */
export function voiceSessionPageQuery(db: Kysely<DB>, channelId: number, limit: number, after?: VoiceSessionPosition) {
  let query = voiceSessionQuery(db).where('s.channel_id', '=', channelId);
  if (after) {
    query = query
      .where('s.started_at', '<=', after.startedAt)
      .where((eb) => eb.or([eb('s.started_at', '<', after.startedAt), eb('s.id', '>', after.id)]));
  }
  return query.orderBy('s.started_at', 'desc').orderBy('s.id').limit(boundLimit(limit));
}

/**
 * A page of a channel's voice sessions, most recently started first (see
 * {@link voiceSessionPageQuery}), open and ended, each with its peak and its current number of
 * participants. The waddle's stale participations are closed first in the same `batch()` (see
 * `closeStaleParticipations`), so a session that went stale is listed ended.
 *
 * ```sql
 * update "voice_session_participants" set "left_at" = "last_seen_at" where "id" in (…);   -- closeStaleParticipations
 * select … from "voice_sessions" as "s" where "s"."channel_id" = ? … order by "s"."started_at" desc, "s"."id" limit CAST(? AS INTEGER);
 * ```
 *
 * @example
 * ```ts
 * const sessions = await listVoiceSessions(waddle, { channelId: 4, now: context.now, limit: 21 });
 * const older = await listVoiceSessions(waddle, { channelId: 4, now: context.now, limit: 21, after: { startedAt, id } });
 * ```
 */
export async function listVoiceSessions(
  waddle: WaddleDatabase,
  page: { readonly channelId: number; readonly now: number; readonly limit: number; readonly after?: VoiceSessionPosition },
): Promise<VoiceSessionRow[]> {
  const [, sessions] = await runBatch(waddle, [
    closeStaleParticipations(waddle.db, page.now),
    voiceSessionPageQuery(waddle.db, page.channelId, page.limit, page.after),
  ]);
  return sessions.results;
}
