import { type Compilable, type Expression, type RawBuilder, sql } from 'kysely';
import { boundLimit } from '../bound-limit.ts';
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

/** The part of a scope a page covers, from its anchor or cursor (see {@link planMessagePage}). */
export interface PageWindow {
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
 * message each one replies to come from one statement, one round trip, whatever the page size,
 * and cost about what reading the messages alone costs: the statement walks the `(channel_id, id)`
 * or `(thread_id, id)` index once, and looks up reactions or attachments only for the messages
 * whose `decorations` flag says they have some (one in ten), the replied message only when there
 * is one. Rows are read as arrays (`raw()`), with the decorations as compact JSON:
 * ```sql
 * SELECT m.id, m.channel_id, …, m.edited_at, 'o',
 *   CASE WHEN m.decorations & 1 THEN (SELECT json_group_array(json_array(emoji, count, reacted, first_at)) FROM (
 *     SELECT emoji, count(*) AS count, max(user_id = ?) AS reacted, min(created_at) AS first_at
 *     FROM reactions WHERE message_id = m.id GROUP BY emoji)) END,                        -- reactions key
 *   CASE WHEN m.decorations & 2 THEN (SELECT json_group_array(json_array(id, filename, size_bytes, mime_type, url))
 *     FROM message_attachments WHERE message_id = m.id) END,                              -- attachments index
 *   CASE WHEN replied.id IS NOT NULL THEN json_array(replied.id, replied.user_id, substr(replied.content, 1, 200), replied.is_deleted)
 *     WHEN m.reply_to_elsewhere_id IS NOT NULL THEN json_array(m.reply_to_elsewhere_id) END  -- replied to in an older shard
 * FROM messages AS m LEFT JOIN messages AS replied ON replied.id = m.reply_to_id
 * WHERE m.channel_id = ? AND m.id < ? ORDER BY m.id DESC LIMIT CAST(? AS INTEGER)       -- older than a cursor, +1 to detect the end
 * ```
 * Around an anchor (`before` and `after`), the same walk covers both sides: it starts at the last
 * of the first `after + 2` messages from the anchor on (index keys only) and walks down for as many
 * rows as it needs, those newer ones and `before + 1` older, and the side of each message comes with it:
 * ```sql
 * SELECT …, CASE WHEN m.id < ? THEN 'o' ELSE 'n' END, … WHERE m.channel_id = ?
 *   AND m.id <= coalesce((SELECT max(id) FROM (SELECT id FROM messages WHERE channel_id = ? AND id >= ? ORDER BY id ASC LIMIT CAST(? AS INTEGER))), 9007199254740991)
 * ORDER BY m.id DESC LIMIT ? + (SELECT count(*) FROM (SELECT id FROM messages WHERE channel_id = ? AND id >= ? ORDER BY id ASC LIMIT CAST(? AS INTEGER)))
 * ```
 * It is written as one SQL template rather than with the query builder: building and compiling
 * it with the builder cost a quarter of the page's price.
 *
 * @example
 * ```ts
 * const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: 42 });
 * const older = await getMessagePage(waddle, { channelId: 1 }, { cursor: page.olderCursor, before: 50, viewerId: 42 });
 * ```
 */
export async function getMessagePage(waddle: WaddleDatabase, scope: MessageScope, options: PageOptions): Promise<MessagePage> {
  return (await readMessagePage(waddle, scope, options)).page;
}

/** A page of one database, and the replies in it to messages of an older shard, which it cannot show itself. */
export interface PageRead {
  readonly page: MessagePage;
  /**
   * Message id → the id it replies to in another shard (`reply_to_elsewhere_id`); such a message's
   * `replyTo` is `null` in `page` until the sharded page reads the replied message in its shard.
   */
  readonly repliesElsewhere: ReadonlyMap<number, number>;
}

/**
 * {@link getMessagePage}, with the replies to messages of other shards the page holds (its one
 * statement, the same SQL): what the sharded page needs to complete them.
 */
export async function readMessagePage(waddle: WaddleDatabase, scope: MessageScope, options: PageOptions): Promise<PageRead> {
  const plan = planMessagePage(waddle, scope, options);
  const { sql: text, parameters } = plan.query.compile();
  const rows = await waddle.d1
    .prepare(text)
    .bind(...parameters)
    .raw<PageRow>();
  const repliesElsewhere = new Map<number, number>();
  for (const row of rows) {
    const reply = row[REPLY] === null ? null : (JSON.parse(row[REPLY]) as number[]);
    if (reply?.length === 1) repliesElsewhere.set(row[0], reply[0]!);
  }
  return { page: assemblePage(plan, rows), repliesElsewhere };
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

  const column = sql.raw('channelId' in scope ? 'channel_id' : 'thread_id');
  const scopeId = 'channelId' in scope ? scope.channelId : scope.threadId;
  const walk = walkFor(window, column, scopeId);
  const statement = sql<PageRow>`SELECT m.id, m.channel_id, m.thread_id, m.user_id, m.content, m.content_type, m.metadata,
      m.edit_count, m.is_pinned, m.is_deleted, m.created_at, m.edited_at, ${walk.side},
      CASE WHEN m.decorations & 1 THEN (SELECT json_group_array(json_array(emoji, count, reacted, first_at)) FROM (
        SELECT emoji, count(*) AS count, max(user_id = ${options.viewerId}) AS reacted, min(created_at) AS first_at
        FROM reactions WHERE message_id = m.id GROUP BY emoji)) END,
      CASE WHEN m.decorations & 2 THEN (SELECT json_group_array(json_array(id, filename, size_bytes, mime_type, url))
        FROM message_attachments WHERE message_id = m.id) END,
      CASE WHEN replied.id IS NOT NULL THEN json_array(replied.id, replied.user_id, substr(replied.content, 1, 200), replied.is_deleted)
        WHEN m.reply_to_elsewhere_id IS NOT NULL THEN json_array(m.reply_to_elsewhere_id) END
    FROM messages AS m LEFT JOIN messages AS replied ON replied.id = m.reply_to_id
    WHERE m.${column} = ${scopeId} AND ${walk.range} ORDER BY m.id ${walk.order} LIMIT ${walk.limit}`;
  const query: Compilable<PageRow> = { compile: () => statement.compile(waddle.db) };
  return { query, window, key, anchor: options.cursor ? undefined : (options.anchor ?? 'newest') };
}

/**
 * The page's one walk of the scope's index: which ids it covers, in which order, how many rows at
 * most (one more each way than the page shows, to know whether it reached an end), and the side
 * of the anchor each row is on. Around an anchor it walks down from its newer end, the last of the
 * first `want + 2` messages from the anchor on (read as index keys only), so the older side needs
 * no bound of its own: the `LIMIT` stops it `want + 1` messages below the anchor.
 */
function walkFor(window: PageWindow, column: RawBuilder<unknown>, scopeId: number) {
  const { older, newer } = window;
  if (older && newer) {
    const newerKeys = sql`(SELECT id FROM messages WHERE ${column} = ${scopeId} AND id >= ${newer.from} ORDER BY id ASC LIMIT ${boundLimit(newer.want + 2)})`;
    return {
      range: sql`m.id <= coalesce((SELECT max(id) FROM ${newerKeys}), ${Number.MAX_SAFE_INTEGER})`,
      order: sql`DESC`,
      limit: sql`${older.want + 1} + (SELECT count(*) FROM ${newerKeys})`,
      side: sql`CASE WHEN m.id < ${older.below!} THEN 'o' ELSE 'n' END`,
    };
  }
  if (older) {
    return {
      range: older.below === undefined ? sql`TRUE` : sql`m.id < ${older.below}`,
      order: sql`DESC`,
      limit: boundLimit(older.want + 1),
      side: sql`'o'`,
    };
  }
  const { from, anchored, want } = newer!;
  return {
    range: sql`m.id ${sql.raw(anchored ? '>=' : '>')} ${from}`,
    order: sql`ASC`,
    limit: boundLimit(want + (anchored ? 2 : 1)),
    side: sql`'n'`,
  };
}

function checkCount(field: 'before' | 'after', value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > LIMIT) throw new InvalidQueryError(field, `must be an integer from 0 to ${LIMIT}`);
  return value;
}

function windowFor(
  waddle: WaddleDatabase,
  scope: MessageScope,
  key: string,
  options: PageOptions,
  before: number,
  after: number,
): PageWindow {
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
    const channel =
      'channelId' in scope ? sql<number>`${scope.channelId}` : sql<number>`(SELECT channel_id FROM threads WHERE id = ${scope.threadId})`;
    // Nothing unread: anchor past the newest message, so the page shows the newest ones.
    const first = firstUnreadMessageId(waddle.db, scope, options.viewerId, readMarker(waddle.db, options.viewerId, channel));
    const firstUnread = sql<number>`coalesce(${first}, ${Number.MAX_SAFE_INTEGER})`;
    return {
      older: { below: firstUnread, want: before },
      newer: { from: firstUnread, anchored: true, want: after },
      anchorIsFirstUnread: true,
    };
  }
  if (!Number.isSafeInteger(anchor) || anchor < 1)
    throw new InvalidQueryError('anchor', "must be 'newest', 'oldest', 'first_unread' or a message id");
  return { older: { below: anchor, want: before }, newer: { from: anchor, anchored: true, want: after }, anchorId: anchor };
}

function require1(field: 'before' | 'after', value: number): number {
  if (value < 1) throw new InvalidQueryError(field, 'must be at least 1 for this anchor or cursor');
  return value;
}

function assemblePage(plan: ReturnType<typeof planMessagePage>, rows: readonly PageRow[]): MessagePage {
  const { window } = plan;
  // Oldest first: every walk with an older side reads newest first.
  const ordered = window.older ? [...rows].reverse() : rows;
  const olderRows = ordered.filter((row) => row[SIDE] === 'o');
  const newer = ordered.filter((row) => row[SIDE] === 'n');
  const olderWant = window.older?.want ?? 0;
  const older = olderRows.slice(Math.max(0, olderRows.length - olderWant));
  const first = newer[0];
  const anchorRow =
    window.newer?.anchored && first && (window.anchorIsFirstUnread || first[0] === window.anchorId) ? newer.shift() : undefined;
  const foundOldest = window.older ? olderRows.length <= olderWant : plan.anchor === 'oldest';
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
    newerCursor: encodeCursor({ k: plan.key, d: 'n', id: lastId ?? emptyPageNewerId(window) }),
  };
}

/**
 * Where the newer cursor of a page without messages points: where the page started, so polling
 * with it again finds what arrives after that point (after the cursor it was given; before an
 * anchor id; from the start for `oldest`, `newest` and `first_unread`, which saw nothing).
 */
export function emptyPageNewerId(window: PageWindow): number {
  const newer = window.newer;
  if (!newer || typeof newer.from !== 'number') return 0;
  return newer.anchored ? Math.max(0, newer.from - 1) : newer.from;
}

/** Where a {@link PageRow} says which side of the anchor it is on. */
const SIDE = 12;
/** Where a {@link PageRow} has the message it replies to. */
const REPLY = 15;
