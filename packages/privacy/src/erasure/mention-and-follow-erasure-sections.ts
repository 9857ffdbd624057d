import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import type { Compilable } from 'kysely';
import type { JobSection } from '../job-section.ts';
import type { WaddleDatabase } from '../privacy-databases.ts';
import { typedSection } from '../typed-section.ts';

const PAGE = 500;

/** A section that deletes at most 500 of the user's rows per page of `statement`, until fewer remain. */
function boundedDeletion(name: string, statement: (waddle: WaddleDatabase, userId: number, limit: number) => Compilable): JobSection {
  return typedSection<WaddleSchema>({
    name,
    firstCursor: [],
    statements: 1,
    async page(waddle, { userId }) {
      const result = await waddle.db.executeQuery(statement(waddle, userId, PAGE));
      const rows = Number(result.numAffectedRows ?? 0n);
      return { rows, records: [], next: rows < PAGE ? null : [] };
    },
  });
}

/**
 * The user's follows, mutes and unfollows, and their read marker in each thread. (The mentions
 * they made need no section: tombstoning their messages deletes them, by the schema's trigger.
 * Mentions *of* them in others' messages stay, as the opaque user id the text and the row hold,
 * as their authorship of a tombstone does.)
 *
 * ```sql
 * delete from "thread_follows" where "user_id" = ?
 *   and "thread_id" in (select "thread_id" from "thread_follows" where "user_id" = ? limit ?)   -- 500, primary key (user_id, thread_id)
 * ```
 */
export const threadFollowsErasure = boundedDeletion('thread_follows', ({ db }, userId, limit) =>
  db
    .deleteFrom('thread_follows')
    .where('user_id', '=', userId)
    .where('thread_id', 'in', (eb) => eb.selectFrom('thread_follows').select('thread_id').where('user_id', '=', userId).limit(limit)),
);

/**
 * The user's per-channel notification levels.
 *
 * ```sql
 * delete from "channel_notification_levels" where "user_id" = ?
 *   and "channel_id" in (select "channel_id" from "channel_notification_levels" where "user_id" = ? limit ?)   -- 500, primary key (user_id, channel_id)
 * ```
 */
export const channelNotificationLevelsErasure = boundedDeletion('channel_notification_levels', ({ db }, userId, limit) =>
  db
    .deleteFrom('channel_notification_levels')
    .where('user_id', '=', userId)
    .where('channel_id', 'in', (eb) =>
      eb.selectFrom('channel_notification_levels').select('channel_id').where('user_id', '=', userId).limit(limit),
    ),
);
