import { type Expression, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import { firstUnreadMessageId, readMarker } from '../unreads/first-unread.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { type PageMessage, type PageRow, toPageMessage } from './page-message.ts';

/** The messages of one channel, or of one thread. */
export type MessageScope = { readonly channelId: number } | { readonly threadId: number };

/**
 * Where a page starts: the newest or oldest message, the viewer's first unread message (the
 * unread counts' `firstUnreadMessageId`: the first live message by someone else after their read
 * marker in the channel; the newest when nothing is unread), or a message id (the page includes
 * it when it exists in the scope).
 */
export type PageAnchor = 'newest' | 'oldest' | 'first_unread' | number;

export interface PageOptions {
  /** Default `newest`. Ignored when `cursor` is given. */
  readonly anchor?: PageAnchor;
  /** `olderCursor` or `newerCursor` of a previous page of the same scope. */
  readonly cursor?: string | null;
  /** How many messages older than the anchor: 0 to 100 (with `newest`, the page size). */
  readonly before?: number;
  /** How many messages newer than the anchor: 0 to 100 (with `oldest`, the page size). */
  readonly after?: number;
  /** The reading user: marks the reactions they made and finds their first unread message. */
  readonly viewerId: number;
}

export interface MessagePage {
  /** Oldest first. Tombstones are included as placeholders (`deleted: true`, no content). */
  readonly messages: readonly PageMessage[];
  /** No message of the scope is older than the first one here. */
  readonly foundOldest: boolean;
  /** No message of the scope was newer than the last one here when it was read. */
  readonly foundNewest: boolean;
  /** The anchor message is in the page (always true for `newest` and `oldest`). */
  readonly foundAnchor: boolean;
  /** Pass as `cursor` (with `before`) for the page just older; `null` once `foundOldest`. */
  readonly olderCursor: string | null;
  /** Pass as `cursor` (with `after`) for the page just newer; also after `foundNewest`, to poll. */
  readonly newerCursor: string;
}

const LIMIT = 100;

interface Window {
  /** Messages with a smaller id than `below` (all when undefined), newest first. */
  readonly older?: { readonly below?: number | Expression<number>; readonly want: number };
  /** Messages from `from` (the anchor itself when `anchored`), oldest first. */
  readonly newer?: { readonly from: number | Expression<number>; readonly anchored: boolean; readonly want: number };
  readonly anchorId?: number;
  readonly anchorIsFirstUnread?: boolean;
}

/**
 * A page of a channel's or thread's messages around an anchor, Zulip's model: `before` older
 * and `after` newer messages, oldest first, with `foundOldest`/`foundNewest` and opaque cursors
 * to continue either way. The cursor is the message id, which is unique and increases with time,
 * so paging end to end returns every message exactly once, whatever number share a millisecond
 * and however many arrive between pages.
 *
 * Deleted messages stay in the page as placeholders (id, author, time, thread; no content,
 * reactions or attachments), so a client that already shows the message can replace it in place
 * and page boundaries never shift.
 *
 * The page, its reactions (count per emoji, and whether the viewer reacted), attachments and the
 * message each one replies to come from one statement, one round trip, whatever the page size:
 * each arm walks the `(channel_id, id)` or `(thread_id, id)` index, and each message's
 * decorations are key lookups (the reactions key, the attachments index, the replied message's id)
 * packed as compact JSON arrays by correlated subqueries:
 * ```sql
 * SELECT * FROM (SELECT messages.…, 'o' AS side,
 *     (SELECT json_group_array(json_array(emoji, count, reacted, first_at)) FROM (
 *        SELECT emoji, count(*) AS count, max(user_id = ?) AS reacted, min(created_at) AS first_at
 *        FROM reactions WHERE message_id = messages.id GROUP BY emoji)) AS reactions,
 *     (SELECT json_group_array(json_array(id, filename, size_bytes, mime_type, url))
 *        FROM message_attachments WHERE message_id = messages.id) AS attachments,
 *     CASE WHEN messages.reply_to_id IS NULL THEN NULL ELSE (SELECT json_array(replied.id, replied.user_id,
 *        substr(replied.content, 1, 200), replied.is_deleted) FROM messages AS replied WHERE replied.id = messages.reply_to_id) END AS reply
 *   FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?) AS o     -- older, +1 to detect the end
 * UNION ALL
 * SELECT * FROM (… WHERE channel_id = ? AND id >= ? ORDER BY id ASC LIMIT ?) AS n   -- anchor and newer, +1
 * ```
 *
 * @example
 * ```ts
 * const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: 42 });
 * const older = await getMessagePage(waddle, { channelId: 1 }, { cursor: page.olderCursor, before: 50, viewerId: 42 });
 * ```
 */
export async function getMessagePage(waddle: WaddleDatabase, scope: MessageScope, options: PageOptions): Promise<MessagePage> {
  const plan = planMessagePage(waddle, scope, options);
  const { sql: text, parameters } = plan.query.compile();
  const { results } = await waddle.d1.prepare(text).bind(...parameters).all<PageRow>();
  return assemblePage(plan, results);
}

/**
 * Validates the options and builds the page's single statement without running it (the query
 * of {@link getMessagePage}). Tests read its query plan.
 */
export function planMessagePage(waddle: WaddleDatabase, scope: MessageScope, options: PageOptions) {
  const before = checkCount('before', options.before ?? 0);
  const after = checkCount('after', options.after ?? 0);
  if (!Number.isSafeInteger(options.viewerId)) throw new InvalidQueryError('viewerId', 'must be an integer');
  const key = 'channelId' in scope ? `c${scope.channelId}` : `t${scope.threadId}`;
  const window = windowFor(waddle, scope, key, options, before, after);

  const column = 'channelId' in scope ? ('messages.channel_id' as const) : ('messages.thread_id' as const);
  const scopeId = 'channelId' in scope ? scope.channelId : scope.threadId;
  const arm = (side: 'o' | 'n') =>
    waddle.db
      .selectFrom('messages')
      .where(column, '=', scopeId)
      .select([
        ...MESSAGE_COLUMNS,
        sql<'o' | 'n'>`${side}`.as('side'),
        sql<string>`(SELECT json_group_array(json_array(emoji, count, reacted, first_at)) FROM (
          SELECT emoji, count(*) AS count, max(user_id = ${options.viewerId}) AS reacted, min(created_at) AS first_at
          FROM reactions WHERE message_id = messages.id GROUP BY emoji))`.as('reactions'),
        sql<string>`(SELECT json_group_array(json_array(id, filename, size_bytes, mime_type, url))
          FROM message_attachments WHERE message_id = messages.id)`.as('attachments'),
        sql<string | null>`CASE WHEN messages.reply_to_id IS NULL THEN NULL ELSE (
          SELECT json_array(replied.id, replied.user_id, substr(replied.content, 1, 200), replied.is_deleted)
          FROM messages AS replied WHERE replied.id = messages.reply_to_id) END`.as('reply'),
      ]);
  const older = window.older && arm('o')
    .$if(window.older.below !== undefined, (q) => q.where('messages.id', '<', window.older!.below!))
    .orderBy('messages.id', 'desc')
    .limit(window.older.want + 1);
  const newer = window.newer && arm('n')
    .where('messages.id', window.newer.anchored ? '>=' : '>', window.newer.from)
    .orderBy('messages.id', 'asc')
    .limit(window.newer.want + (window.newer.anchored ? 2 : 1));
  const query =
    older && newer
      ? waddle.db.selectFrom(older.as('o')).selectAll().unionAll(waddle.db.selectFrom(newer.as('n')).selectAll())
      : (older ?? newer)!;
  return { query, window, key, anchor: options.cursor ? undefined : (options.anchor ?? 'newest') };
}

const MESSAGE_COLUMNS = [
  'messages.id', 'messages.channel_id', 'messages.thread_id', 'messages.user_id', 'messages.content',
  'messages.content_type', 'messages.metadata', 'messages.reply_to_id', 'messages.edit_count',
  'messages.is_pinned', 'messages.is_deleted', 'messages.created_at', 'messages.edited_at',
] as const;

function checkCount(field: 'before' | 'after', value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > LIMIT) throw new InvalidQueryError(field, `must be an integer from 0 to ${LIMIT}`);
  return value;
}

function windowFor(waddle: WaddleDatabase, scope: MessageScope, key: string, options: PageOptions, before: number, after: number): Window {
  if (options.cursor) {
    const position = decodeCursor(options.cursor, { k: 'string', d: 'string', id: 'number' });
    if (position.k !== key) throw new InvalidQueryError('cursor', 'belongs to another channel or thread');
    if (position.d === 'o') return { older: { below: position.id, want: require1('before', before) } };
    if (position.d === 'n') return { newer: { from: position.id, anchored: false, want: require1('after', after) } };
    throw new InvalidQueryError('cursor', 'is not a cursor returned by this API');
  }
  const anchor = options.anchor ?? 'newest';
  if (anchor === 'newest') return { older: { want: require1('before', before) } };
  if (anchor === 'oldest') return { newer: { from: 0, anchored: false, want: require1('after', after) } };
  if (before + after === 0) throw new InvalidQueryError('before', 'before and after cannot both be 0');
  if (anchor === 'first_unread') {
    const channel = 'channelId' in scope ? sql<number>`${scope.channelId}` : sql<number>`(SELECT channel_id FROM threads WHERE id = ${scope.threadId})`;
    // Nothing unread: anchor past the newest message, so the page shows the newest ones.
    const first = firstUnreadMessageId(waddle.db, scope, options.viewerId, readMarker(waddle.db, options.viewerId, channel));
    const firstUnread = sql<number>`coalesce(${first}, ${Number.MAX_SAFE_INTEGER})`;
    return { older: { below: firstUnread, want: before }, newer: { from: firstUnread, anchored: true, want: after }, anchorIsFirstUnread: true };
  }
  if (!Number.isSafeInteger(anchor) || anchor < 1) throw new InvalidQueryError('anchor', "must be 'newest', 'oldest', 'first_unread' or a message id");
  return { older: { below: anchor, want: before }, newer: { from: anchor, anchored: true, want: after }, anchorId: anchor };
}

function require1(field: 'before' | 'after', value: number): number {
  if (value < 1) throw new InvalidQueryError(field, 'must be at least 1 for this anchor or cursor');
  return value;
}

function assemblePage(plan: ReturnType<typeof planMessagePage>, rows: readonly PageRow[]): MessagePage {
  const { window } = plan;
  const olderRows = rows.filter((row) => row.side === 'o');
  const newer = rows.filter((row) => row.side === 'n');
  const older = olderRows.slice(0, window.older?.want ?? 0).reverse();
  const first = newer[0];
  const anchorRow = window.newer?.anchored && first && (window.anchorIsFirstUnread || first.id === window.anchorId) ? newer.shift() : undefined;
  const foundOldest = window.older ? olderRows.length <= window.older.want : plan.anchor === 'oldest';
  const foundNewest = window.newer ? newer.length <= window.newer.want : plan.anchor === 'newest';
  const messages = [...older, ...(anchorRow ? [anchorRow] : []), ...newer.slice(0, window.newer?.want ?? 0)].map(toPageMessage);
  const firstId = messages[0]?.id;
  const lastId = messages.at(-1)?.id;
  return {
    messages,
    foundOldest,
    foundNewest,
    foundAnchor: plan.anchor === 'newest' || plan.anchor === 'oldest' || anchorRow !== undefined,
    olderCursor: foundOldest || firstId === undefined ? null : encodeCursor({ k: plan.key, d: 'o', id: firstId }),
    newerCursor: encodeCursor({ k: plan.key, d: 'n', id: lastId ?? Math.max(0, (window.anchorId ?? 1) - 1) }),
  };
}
