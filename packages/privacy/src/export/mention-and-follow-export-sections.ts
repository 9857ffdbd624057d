import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';
import type { JobSection, SectionPage } from '../job-section.ts';
import { typedSection } from '../typed-section.ts';
import { keyedPage } from './keyed-page.ts';

/** The user's messages read per page for their mentions (most have none). */
const MESSAGE_PAGE = 500;
const PAGE = 500;

/**
 * The mentions the user made: for each of their messages with mentions, who or what it mentions
 * (`user` and a user id, `role` and a role id, `everyone`, `here`). A page walks the next 500 of
 * their messages (`messages_by_user`) and joins each one's mentions by primary key, so a page is
 * bounded by messages, not by how rare mentions are; the cursor is the last message walked.
 * Mentions *of* the user are other members' messages and are not theirs to export.
 *
 * ```sql
 * select "p"."id" as "message_id", "p"."channel_id", "p"."thread_id", "mm"."kind", "mm"."target_id"
 * from (select "id", "channel_id", "thread_id" from "messages" where "user_id" = ? and "id" > ? order by "id" limit ?) as "p"   -- 500, messages_by_user
 * left join "message_mentions" as "mm" on "mm"."message_id" = "p"."id"
 * order by "p"."id"   -- a message's mentions come in no promised order: sorting them would need a temporary B-tree
 * ```
 */
export const mentionsMadeExport: JobSection = typedSection<WaddleSchema>({
  name: 'mentions_made',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom((eb) =>
        eb
          .selectFrom('messages')
          .select(['id', 'channel_id', 'thread_id'])
          .where('user_id', '=', userId)
          .where('id', '>', cursor[0] as number)
          .orderBy('id')
          .limit(MESSAGE_PAGE)
          .as('p'),
      )
      .leftJoin('message_mentions as mm', 'mm.message_id', 'p.id')
      .select(['p.id as message_id', 'p.channel_id', 'p.thread_id', 'mm.kind', 'mm.target_id'])
      .orderBy('p.id')
      .execute();
    const walked = new Set(rows.map((row) => row.message_id)).size;
    const mentions = rows.filter((row) => row.kind !== null);
    return {
      rows: rows.length,
      records: mentions.map((data) => ({ type: 'mention', waddleId: waddleId ?? undefined, data })),
      next: walked < MESSAGE_PAGE ? null : [Math.max(...rows.map((row) => row.message_id))],
    };
  },
});

/**
 * The threads the user follows, muted or unfollowed, with their read marker in each.
 *
 * ```sql
 * select "f"."thread_id", "t"."channel_id", "f"."following", "f"."muted", "f"."last_read_message_id" from "thread_follows" as "f"
 * inner join "threads" as "t" on "t"."id" = "f"."thread_id"
 * where "f"."user_id" = ? and "f"."thread_id" > ? order by "f"."thread_id" limit ?   -- 500, primary key (user_id, thread_id)
 * ```
 */
export const threadFollowsExport: JobSection = typedSection<WaddleSchema>({
  name: 'thread_follows',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('thread_follows as f')
      .innerJoin('threads as t', 't.id', 'f.thread_id')
      .select(['f.thread_id', 't.channel_id', 'f.following', 'f.muted', 'f.last_read_message_id'])
      .where('f.user_id', '=', userId)
      .where('f.thread_id', '>', cursor[0] as number)
      .orderBy('f.thread_id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'thread_follow', waddleId, (row) => [row.thread_id]);
  },
});

/**
 * The user's notification level per channel (their overrides of the waddle level).
 *
 * ```sql
 * select "channel_id", "level", "updated_at" from "channel_notification_levels"
 * where "user_id" = ? and "channel_id" > ? order by "channel_id" limit ?   -- 500, primary key (user_id, channel_id)
 * ```
 */
export const channelNotificationLevelsExport: JobSection = typedSection<WaddleSchema>({
  name: 'channel_notification_levels',
  firstCursor: [0],
  statements: 1,
  async page({ db }, { userId, waddleId }, cursor) {
    const rows = await db
      .selectFrom('channel_notification_levels')
      .select(['channel_id', 'level', 'updated_at'])
      .where('user_id', '=', userId)
      .where('channel_id', '>', cursor[0] as number)
      .orderBy('channel_id')
      .limit(PAGE)
      .execute();
    return keyedPage(rows, PAGE, 'channel_notification_level', waddleId, (row) => [row.channel_id]);
  },
});
