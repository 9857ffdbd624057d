import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import type { JobSection } from '../job-section.ts';
import { typedSection } from '../typed-section.ts';
import { keyedPage } from './keyed-page.ts';

const PAGE = 500;

/**
 * The user's voice participation: each stint in a session (joining again is a new one), with the
 * session's channel and when they joined, were last seen and left (`left_at` null while in it).
 * The sessions they started are `voice_session` records (`voiceSessionsExport`).
 *
 * ```sql
 * select "p"."id", "p"."session_id", "s"."channel_id", "p"."joined_at", "p"."last_seen_at", "p"."left_at"
 * from "voice_session_participants" as "p" inner join "voice_sessions" as "s" on "s"."id" = "p"."session_id"
 * where "p"."user_id" = ? and "p"."id" > ? order by "p"."id" limit ?   -- 500, voice_participants_by_user
 * ```
 */
export const voiceParticipationExport: JobSection = typedSection<WaddleSchema>({
  name: 'voice_participations',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('voice_session_participants as p')
      .innerJoin('voice_sessions as s', 's.id', 'p.session_id')
      .select(['p.id', 'p.session_id', 's.channel_id', 'p.joined_at', 'p.last_seen_at', 'p.left_at'])
      .where('p.user_id', '=', userId)
      .where('p.id', '>', cursor[0] as number)
      .orderBy('p.id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'voice_participation', waddleId, (row) => [row.id]);
  },
});
