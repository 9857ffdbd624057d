import type { DB } from '@waddle/waddle-schema/database';
import { type Kysely, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { heldRoleIds, mentionsReaching } from './mentions-reaching.ts';

/** One message of a user's mention inbox. */
export interface InboxMention {
  readonly messageId: number;
  readonly channelId: number;
  readonly threadId: number | null;
  readonly authorId: number;
  readonly content: string | null;
  readonly createdAt: number;
  /** The most direct way the message reaches the user: by name, through a role they hold, or everyone. */
  readonly mentionedAs: 'user' | 'role' | 'everyone' | 'here';
}

export interface MentionInboxPage {
  readonly mentions: InboxMention[];
  /** Pass back as `cursor` for older mentions; `null` at the oldest. */
  readonly olderCursor: string | null;
}

/**
 * A user's mentions across the channels they may see (`visibleChannelIds`), newest first, paged
 * (`limit` 1 to 100, default 50; `cursor` from the previous page). "Mention" is the one
 * definition of `mentionsReaching` (by name, a role held now, everyone; not their own messages);
 * unlike the counts, a thread they muted is listed too, as the inbox is a history. Tombstoned
 * messages are gone from it (their mentions are deleted with their content). One statement: four
 * index walks from the target, newest first, merged and stopped at `limit + 1`, then the
 * message row and how it reaches the user, by primary key.
 *
 * ```sql
 * SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.content, m.created_at,
 *   CASE WHEN EXISTS (SELECT 1 FROM message_mentions WHERE message_id = m.id AND kind = 'user' AND target_id = ?) THEN 'user'
 *        WHEN EXISTS (SELECT 1 FROM message_mentions WHERE message_id = m.id AND kind = 'role'
 *                      AND target_id IN (SELECT role_id FROM member_roles WHERE user_id = ?)) THEN 'role'
 *        WHEN EXISTS (SELECT 1 FROM message_mentions WHERE message_id = m.id AND kind = 'everyone' AND target_id = 0) THEN 'everyone'
 *        ELSE 'here' END AS mentioned_as
 * FROM (<mentionsReaching in channels json_each(?) before ?> ORDER BY message_id DESC LIMIT ?) AS page
 * INNER JOIN messages AS m ON m.id = page.message_id
 * -- with roleIds (a later message shard): SELECT value AS role_id FROM json_each(?) for the member_roles subqueries
 * ```
 *
 * @example
 * ```ts
 * const first = await getMentionInbox(waddle, { userId: 42, visibleChannelIds: [1, 2, 3] });
 * const next = await getMentionInbox(waddle, { userId: 42, visibleChannelIds: [1, 2, 3], cursor: first.olderCursor! });
 * ```
 */
export async function getMentionInbox(
  waddle: WaddleDatabase,
  options: {
    readonly userId: number;
    readonly visibleChannelIds: readonly number[];
    readonly limit?: number;
    readonly cursor?: string;
    /** The roles the user holds now, when this database is a later message shard (see `heldRoleIds`). */
    readonly roleIds?: readonly number[];
  },
): Promise<MentionInboxPage> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidQueryError('limit', 'must be an integer from 1 to 100');
  const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor, { inboxBefore: 'number' }).inboxBefore;
  if (options.visibleChannelIds.length === 0) return { mentions: [], olderCursor: null };
  const rows = await mentionInboxQuery(waddle.db, options.userId, options.visibleChannelIds, limit, before, options.roleIds).execute();
  rows.sort((a, b) => b.id - a.id);
  const page = rows.slice(0, limit);
  return {
    mentions: page.map((row) => ({
      messageId: row.id,
      channelId: row.channel_id,
      threadId: row.thread_id,
      authorId: row.user_id,
      content: row.content,
      createdAt: row.created_at,
      mentionedAs: row.mentioned_as,
    })),
    olderCursor: rows.length > limit ? encodeCursor({ inboxBefore: page.at(-1)!.id }) : null,
  };
}

/** The query of {@link getMentionInbox} (`limit + 1` rows, in no guaranteed order), for its query plan. */
export function mentionInboxQuery(
  db: Kysely<DB>,
  userId: number,
  visibleChannelIds: readonly number[],
  limit: number,
  before?: number,
  roleIds?: readonly number[],
) {
  if (!Number.isSafeInteger(userId) || !visibleChannelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('visibleChannelIds', 'user and channel ids must be integers');
  }
  const page = mentionsReaching(db, userId, { channelIds: visibleChannelIds }, { before }, roleIds)
    .orderBy('message_id', 'desc')
    .limit(limit + 1);
  return db
    .selectFrom(page.as('page'))
    .innerJoin('messages as m', 'm.id', 'page.message_id')
    .select((eb) => {
      const has = (kind: 'user' | 'role' | 'everyone') =>
        eb
          .selectFrom('message_mentions as x')
          .select(sql.lit(1).as('one'))
          .whereRef('x.message_id', '=', 'm.id')
          .where('x.kind', '=', kind)
          .where((inner) =>
            kind === 'user'
              ? inner('x.target_id', '=', userId)
              : kind === 'role'
                ? inner('x.target_id', 'in', heldRoleIds(db, userId, roleIds))
                : inner('x.target_id', '=', 0),
          );
      return [
        'm.id',
        'm.channel_id',
        'm.thread_id',
        'm.user_id',
        'm.content',
        'm.created_at',
        eb
          .case()
          .when(eb.exists(has('user')))
          .then(sql.lit<InboxMention['mentionedAs']>('user'))
          .when(eb.exists(has('role')))
          .then(sql.lit<InboxMention['mentionedAs']>('role'))
          .when(eb.exists(has('everyone')))
          .then(sql.lit<InboxMention['mentionedAs']>('everyone'))
          .else(sql.lit<InboxMention['mentionedAs']>('here'))
          .end()
          .as('mentioned_as'),
      ];
    });
}
