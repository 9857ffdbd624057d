import { type Expression, sql } from 'kysely';
import { type BoundArguments, compiledOnce } from '../compiled-once.ts';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { type MentionWay, mentionsReaching } from './mentions-reaching.ts';

/** One message of a user's mention inbox. */
export interface InboxMention {
  readonly messageId: number;
  readonly channelId: number;
  readonly threadId: number | null;
  readonly authorId: number;
  readonly content: string | null;
  readonly createdAt: number;
  /** The most direct way the message reaches the user: by name, through a role they hold, or everyone. */
  readonly mentionedAs: MentionWay;
}

export interface MentionInboxPage {
  readonly mentions: InboxMention[];
  /** Pass back as `cursor` for older mentions; `null` at the oldest. */
  readonly olderCursor: string | null;
}

/**
 * A user's mentions across the channels they may see (`visibleChannelIds`), newest first, paged
 * (`limit` 1 to 100, default 50; `cursor` from the previous page). "Mention" is the one
 * definition of `mentionArms` (by name, a role held now, everyone; not their own messages);
 * unlike the counts, a thread they muted is listed too, as the inbox is a history. Tombstoned
 * messages are gone from it (their mentions are deleted with their content). One statement,
 * limit first: the page's `limit + 1` message ids and how each reaches the user are chosen from
 * the covering mention indexes alone (`mentionsReaching`), then those messages are read by
 * primary key. Its text is the same for every call (no cursor is "before" the largest safe id),
 * compiled once ({@link mentionInbox}).
 *
 * ```sql
 * SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.content, m.created_at,
 *   CASE page.way WHEN 1 THEN 'user' WHEN 2 THEN 'role' WHEN 3 THEN 'everyone' ELSE 'here' END AS mentioned_as
 * FROM (<mentionsReaching of ? in json_each(?) before ?, LIMIT CAST(? AS INTEGER)>) AS page
 * INNER JOIN messages AS m ON m.id = page.message_id
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
  const { rows } = await waddle.db.executeQuery(
    mentionInbox.bind(waddle.db, mentionInboxArguments(options.userId, options.visibleChannelIds, limit, before, options.roleIds)),
  );
  rows.sort((a, b) => b.id - a.id);
  const page = rows.slice(0, limit);
  const oldest = page.at(-1);
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
    olderCursor: rows.length > limit && oldest ? encodeCursor({ inboxBefore: oldest.id }) : null,
  };
}

/**
 * The arguments of {@link mentionInbox}, checked: `limit + 1` rows before `before` (no cursor:
 * before every id); `roleIds` the viewer's roles when the database does not hold them (a later
 * message shard), else `null` (read from `member_roles`).
 */
export function mentionInboxArguments(
  userId: number,
  visibleChannelIds: readonly number[],
  limit: number,
  before?: number,
  roleIds?: readonly number[],
) {
  if (!Number.isSafeInteger(userId) || !visibleChannelIds.every(Number.isSafeInteger) || !(roleIds ?? []).every(Number.isSafeInteger)) {
    throw new InvalidQueryError('visibleChannelIds', 'user, role and channel ids must be integers');
  }
  return {
    userId,
    visibleChannels: JSON.stringify(visibleChannelIds),
    before: before ?? Number.MAX_SAFE_INTEGER,
    limit: limit + 1,
    roles: roleIds === undefined ? null : JSON.stringify(roleIds),
  };
}

/**
 * The statement of {@link getMentionInbox} (`limit + 1` rows, in no guaranteed order), compiled
 * once: `mentionInbox.bind(db, mentionInboxArguments(…))` to run it, `.build(…)` for its query
 * plan. Two shapes: the viewer's roles from `member_roles`, or given (a later message shard).
 *
 * ```sql
 * SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.content, m.created_at, CASE page.way … END AS mentioned_as
 * FROM (<mentionsReaching>) AS page INNER JOIN messages AS m ON m.id = page.message_id
 * ```
 */
export const mentionInbox = compiledOnce(
  (args: ReturnType<typeof mentionInboxArguments>) => ({ rolesGiven: args.roles !== null }),
  (db, args: BoundArguments<ReturnType<typeof mentionInboxArguments>>, shape) =>
    db
      .selectFrom(
        mentionsReaching(
          db,
          args.userId,
          { visibleChannels: args.visibleChannels, before: args.before, limit: args.limit },
          shape.rolesGiven ? (args.roles as Expression<string>) : undefined,
        ).as('page'),
      )
      .innerJoin('messages as m', 'm.id', 'page.message_id')
      .select((eb) => [
        'm.id',
        'm.channel_id',
        'm.thread_id',
        'm.user_id',
        'm.content',
        'm.created_at',
        eb
          .case('page.way')
          .when(sql.lit(1))
          .then(sql.lit<MentionWay>('user'))
          .when(sql.lit(2))
          .then(sql.lit<MentionWay>('role'))
          .when(sql.lit(3))
          .then(sql.lit<MentionWay>('everyone'))
          .else(sql.lit<MentionWay>('here'))
          .end()
          .as('mentioned_as'),
      ]),
);
