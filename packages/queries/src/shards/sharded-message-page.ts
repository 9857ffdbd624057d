import { encodeCursor } from '../opaque-cursor.ts';
import {
  emptyPageNewerId,
  getMessagePage,
  type MessagePage,
  type MessageScope,
  type PageOptions,
  planMessagePage,
  readMessagePage,
} from '../pagination/message-page.ts';
import type { PageMessage } from '../pagination/page-message.ts';
import { firstUnreadMessageId, readMarker } from '../unreads/first-unread.ts';
import { withRepliesElsewhere } from './replies-elsewhere.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';

/**
 * {@link getMessagePage} over a waddle whose messages span shards: the same page, cursors and
 * flags a single database holding the same messages would give, for every anchor and cursor.
 *
 * The page's one statement runs unchanged in the shard that holds its anchor (`newest`: the
 * newest shard; `oldest`: the primary; a cursor or an id: the shard of its range). When a side
 * reaches the start (end) of that shard short of what it wants and an older (newer) shard exists,
 * the rest comes from the neighbour with the same statement anchored at its newest (oldest)
 * messages; both sides continue in parallel, so a page across a boundary costs one more round trip.
 * A shard without any message of the scope costs one more round trip for each. A reply to a
 * message of an older shard (`reply_to_elsewhere_id`) is completed by reading the replied
 * messages in their shards, batched per shard and in parallel (`withRepliesElsewhere`): one more
 * round trip for a page that has such replies, none for one without.
 *
 * `first_unread` first reads the viewer's read marker in the primary, where read state lives
 * (`SELECT coalesce(max(last_read_message_id), 0) FROM read_states WHERE user_id = ? AND channel_id = ?`),
 * then looks for the first unread message from the marker's shard on
 * (`SELECT id FROM messages WHERE channel_id = ? AND id > ? AND is_deleted = 0 AND user_id <> ? ORDER BY id LIMIT 1`,
 * usually one shard), and pages around it: two more round trips than on one database.
 *
 * A waddle of one shard is served by {@link getMessagePage} itself: one statement.
 *
 * @example
 * ```ts
 * const page = await getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: 42 });
 * ```
 */
export async function getShardedMessagePage(sharded: ShardedWaddle, scope: MessageScope, options: PageOptions): Promise<MessagePage> {
  if (sharded.shards.length === 1) return getMessagePage(sharded.primary, scope, options);
  // Validates every option and decodes the cursor before any database is read.
  const { window, key, anchor } = planMessagePage(sharded.primary, scope, options);
  const last = sharded.shards.length - 1;

  let home: number;
  let homeOptions: PageOptions = options;
  let anchorId: number | undefined;
  if (window.older && window.newer) {
    anchorId = anchor === 'first_unread' ? await firstUnreadAcrossShards(sharded, scope, options.viewerId) : window.anchorId!;
    home = shardIndexOf(sharded, anchorId);
    homeOptions = { anchor: anchorId, before: window.older.want, after: window.newer.want, viewerId: options.viewerId };
  } else if (window.older) {
    const below = window.older.below as number | undefined;
    home = below === undefined ? last : shardIndexOf(sharded, below - 1);
  } else {
    home = shardIndexOf(sharded, (window.newer!.from as number) + 1);
  }

  const { page, repliesElsewhere } = await readMessagePage(sharded.shards[home]!.waddle, scope, homeOptions);
  const olderInPage = page.messages.filter((m) => anchorId === undefined || m.id < anchorId).length;
  const newerInPage = page.messages.filter((m) => anchorId === undefined || m.id > anchorId).length;
  const [older, newer] = await Promise.all([
    window.older && page.foundOldest && home > 0
      ? restFromShards(sharded, scope, options.viewerId, 'older', home - 1, window.older.want - olderInPage)
      : { messages: [], exhausted: page.foundOldest, repliesElsewhere: [] },
    window.newer && page.foundNewest && home < last
      ? restFromShards(sharded, scope, options.viewerId, 'newer', home + 1, window.newer.want - newerInPage)
      : { messages: [], exhausted: page.foundNewest, repliesElsewhere: [] },
  ]);

  const messages = await withRepliesElsewhere(
    sharded,
    [...older.messages, ...page.messages, ...newer.messages],
    new Map([...repliesElsewhere, ...older.repliesElsewhere, ...newer.repliesElsewhere]),
  );
  const firstId = messages[0]?.id;
  const lastId = messages.at(-1)?.id;
  return {
    messages,
    foundOldest: older.exhausted,
    foundNewest: newer.exhausted,
    foundAnchor: page.foundAnchor,
    olderCursor: older.exhausted || firstId === undefined ? null : encodeCursor({ k: key, d: 'o', id: firstId }),
    newerCursor: encodeCursor({ k: key, d: 'n', id: lastId ?? emptyPageNewerId(window) }),
  };
}

interface ShardRun {
  readonly messages: readonly PageMessage[];
  /** No message of the scope is beyond these in the direction walked. */
  readonly exhausted: boolean;
  /** The replies among the shards' rows to messages of other shards (message id, replied id). */
  readonly repliesElsewhere: readonly (readonly [number, number])[];
}

/**
 * The `need` messages of the scope nearest the page on one side, from shard `from` outwards (down
 * to the primary for `older`, up to the newest shard for `newer`), and whether none is left beyond
 * them. Each shard is read with the page's statement anchored at its edge facing the page, asking
 * for at least one message, so that a side already full learns whether it reached the end.
 */
async function restFromShards(
  sharded: ShardedWaddle,
  scope: MessageScope,
  viewerId: number,
  side: 'older' | 'newer',
  from: number,
  need: number,
): Promise<ShardRun> {
  const older = side === 'older';
  const runs: PageMessage[][] = [];
  const repliesElsewhere: (readonly [number, number])[] = [];
  for (let index = from; index >= 0 && index < sharded.shards.length; index += older ? -1 : 1) {
    const want = Math.max(need, 1);
    const read = await readMessagePage(
      sharded.shards[index]!.waddle,
      scope,
      older ? { anchor: 'newest', before: want, viewerId } : { anchor: 'oldest', after: want, viewerId },
    );
    const { page } = read;
    repliesElsewhere.push(...read.repliesElsewhere);
    const taken = need <= 0 ? [] : older ? page.messages.slice(-need) : page.messages.slice(0, need);
    if (older) runs.unshift(taken);
    else runs.push(taken);
    need -= taken.length;
    const reachedEnd = older ? page.foundOldest : page.foundNewest;
    if (!reachedEnd || page.messages.length > taken.length) return { messages: runs.flat(), exhausted: false, repliesElsewhere };
  }
  return { messages: runs.flat(), exhausted: true, repliesElsewhere };
}

/**
 * The viewer's first unread message of the scope across the shards (what `first_unread` means on
 * one database, see `unreadMessages`), or past every id when nothing is unread, so the page shows
 * the newest messages.
 */
async function firstUnreadAcrossShards(sharded: ShardedWaddle, scope: MessageScope, viewerId: number): Promise<number> {
  const { db } = sharded.primary;
  const channel =
    'channelId' in scope ? scope.channelId : db.selectFrom('threads').select('channel_id').where('id', '=', scope.threadId).$asScalar();
  const marker = await db.selectNoFrom(readMarker(db, viewerId, channel).as('marker')).executeTakeFirstOrThrow();
  for (let index = shardIndexOf(sharded, marker.marker + 1); index < sharded.shards.length; index++) {
    const shard = sharded.shards[index]!.waddle.db;
    const first = await firstUnreadMessageId(shard, scope, viewerId, marker.marker).executeTakeFirst();
    if (first) return first.id;
  }
  return Number.MAX_SAFE_INTEGER;
}
