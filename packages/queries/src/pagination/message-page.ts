import { type Expression, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '@waddle/waddle-schema/database';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';
import { type PageMessage, type PageRows, toPageMessages } from './page-message.ts';

/** The messages of one channel, or of one thread. */
export type MessageScope = { readonly channelId: number } | { readonly threadId: number };

/**
 * Where a page starts: the newest or oldest message, the viewer's first unread message (the
 * first after their read marker in the channel; the newest when nothing is unread), or a message
 * id (the page includes it when it exists in the scope).
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
 * messages it replies to come from one `batch()`: one round trip and five statements whatever the
 * page size, each served by an index (`(channel_id, id)` or `(thread_id, id)`, the reactions key):
 * ```sql
 * SELECT … FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?;   -- older, +1 to detect the end
 * SELECT … FROM messages WHERE channel_id = ? AND id >= ? ORDER BY id ASC LIMIT ?;   -- anchor and newer, +1
 * SELECT message_id, emoji, count(*) AS count, max(user_id = ?) AS reacted, min(created_at) AS first_at
 *   FROM reactions WHERE message_id IN (<page ids>) GROUP BY message_id, emoji;
 * SELECT … FROM message_attachments WHERE message_id IN (<page ids>) ORDER BY message_id, id;
 * SELECT id, user_id, substr(content, 1, 200) AS excerpt, is_deleted FROM messages
 *   WHERE id IN (SELECT reply_to_id FROM messages WHERE id IN (<page ids>));
 * ```
 * where `<page ids>` repeats the first two queries' ids (`SELECT id FROM (…) UNION ALL SELECT id FROM (…)`).
 *
 * @example
 * ```ts
 * const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: 42 });
 * const older = await getMessagePage(waddle, { channelId: 1 }, { cursor: page.olderCursor, before: 50, viewerId: 42 });
 * ```
 */
export async function getMessagePage(waddle: WaddleDatabase, scope: MessageScope, options: PageOptions): Promise<MessagePage> {
  const plan = planMessagePage(waddle, scope, options);
  const results = await runBatch(waddle, plan.queries);
  const rows = (index: number | undefined) => (index === undefined ? [] : results[index]!.results) as never[];
  return assemblePage(plan, {
    older: rows(plan.olderIndex),
    newer: rows(plan.newerIndex),
    reactions: rows(plan.queries.length - 3),
    attachments: rows(plan.queries.length - 2),
    replies: rows(plan.queries.length - 1),
  });
}

/**
 * Validates the options and builds the page's statements without running them (the queries of
 * {@link getMessagePage}, in batch order). Tests read their query plans.
 */
export function planMessagePage(waddle: WaddleDatabase, scope: MessageScope, options: PageOptions) {
  const before = checkCount('before', options.before ?? 0);
  const after = checkCount('after', options.after ?? 0);
  if (!Number.isSafeInteger(options.viewerId)) throw new InvalidQueryError('viewerId', 'must be an integer');
  const key = 'channelId' in scope ? `c${scope.channelId}` : `t${scope.threadId}`;
  const window = windowFor(scope, key, options, before, after);

  const column = 'channelId' in scope ? ('channel_id' as const) : ('thread_id' as const);
  const scopeId = 'channelId' in scope ? scope.channelId : scope.threadId;
  const inScope = () => waddle.db.selectFrom('messages').where(column, '=', scopeId);
  const olderQuery = window.older && inScope()
    .$if(window.older.below !== undefined, (q) => q.where('id', '<', window.older!.below!))
    .orderBy('id', 'desc')
    .limit(window.older.want + 1);
  const newerQuery = window.newer && inScope()
    .where('id', window.newer.anchored ? '>=' : '>', window.newer.from)
    .orderBy('id', 'asc')
    .limit(window.newer.want + (window.newer.anchored ? 2 : 1));

  const idsOf = (query: SelectQueryBuilder<DB, 'messages', object>, alias: string) =>
    waddle.db.selectFrom(query.select('id').as(alias)).select(`${alias}.id` as 'id');
  const sides = [olderQuery && idsOf(olderQuery, 'o'), newerQuery && idsOf(newerQuery, 'n')].filter((q) => q !== undefined);
  const pageIds = sides.length === 2 ? sides[0]!.unionAll(sides[1]!) : sides[0]!;

  const queries = [
    ...(olderQuery ? [olderQuery.select(MESSAGE_COLUMNS)] : []),
    ...(newerQuery ? [newerQuery.select(MESSAGE_COLUMNS)] : []),
    waddle.db
      .selectFrom('reactions')
      .select((eb) => [
        'message_id',
        'emoji',
        eb.fn.countAll<number>().as('count'),
        sql<number>`max(user_id = ${options.viewerId})`.as('reacted'),
        eb.fn.min('created_at').as('first_at'),
      ])
      .where('message_id', 'in', pageIds)
      .groupBy(['message_id', 'emoji']),
    waddle.db
      .selectFrom('message_attachments')
      .select(['id', 'message_id', 'filename', 'size_bytes', 'mime_type', 'url'])
      .where('message_id', 'in', pageIds)
      .orderBy('message_id')
      .orderBy('id'),
    waddle.db
      .selectFrom('messages')
      .select(['id', 'user_id', sql<string | null>`substr(content, 1, 200)`.as('excerpt'), 'is_deleted'])
      .where('id', 'in', waddle.db.selectFrom('messages').select('reply_to_id').where('id', 'in', pageIds)),
  ];
  return {
    queries,
    olderIndex: olderQuery ? 0 : undefined,
    newerIndex: newerQuery ? (olderQuery ? 1 : 0) : undefined,
    window,
    key,
    before,
    after,
    anchor: options.cursor ? undefined : (options.anchor ?? 'newest'),
  };
}

const MESSAGE_COLUMNS = [
  'id', 'channel_id', 'thread_id', 'user_id', 'content', 'content_type', 'metadata', 'reply_to_id',
  'edit_count', 'is_pinned', 'is_deleted', 'created_at', 'edited_at',
] as const;

function checkCount(field: 'before' | 'after', value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > LIMIT) throw new InvalidQueryError(field, `must be an integer from 0 to ${LIMIT}`);
  return value;
}

function windowFor(scope: MessageScope, key: string, options: PageOptions, before: number, after: number): Window {
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
    const firstUnread = sql<number>`(SELECT coalesce(max(last_read_message_id), 0) + 1 FROM read_states WHERE user_id = ${options.viewerId} AND channel_id = ${channel})`;
    return { older: { below: firstUnread, want: before }, newer: { from: firstUnread, anchored: true, want: after }, anchorIsFirstUnread: true };
  }
  if (!Number.isSafeInteger(anchor) || anchor < 1) throw new InvalidQueryError('anchor', "must be 'newest', 'oldest', 'first_unread' or a message id");
  return { older: { below: anchor, want: before }, newer: { from: anchor, anchored: true, want: after }, anchorId: anchor };
}

function require1(field: 'before' | 'after', value: number): number {
  if (value < 1) throw new InvalidQueryError(field, 'must be at least 1 for this anchor or cursor');
  return value;
}

function assemblePage(plan: ReturnType<typeof planMessagePage>, rows: PageRows): MessagePage {
  const { window } = plan;
  const older = rows.older.slice(0, window.older?.want ?? 0).reverse();
  const newer = [...rows.newer];
  const first = newer[0] as { id: number } | undefined;
  const anchorRow = window.newer?.anchored && first && (window.anchorIsFirstUnread || first.id === window.anchorId) ? newer.shift() : undefined;
  const foundOldest = window.older ? rows.older.length <= window.older.want : plan.anchor === 'oldest';
  const foundNewest = window.newer ? newer.length <= window.newer.want : plan.anchor === 'newest';
  const ordered = [...older, ...(anchorRow ? [anchorRow] : []), ...newer.slice(0, window.newer?.want ?? 0)];
  const messages = toPageMessages(ordered, rows);
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
