import { sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { firstUnreadMessageId, unreadMessages } from '../unreads/first-unread.ts';
import { type ChannelUnreads, getUnreadCounts } from '../unreads/unread-counts.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';
import { boundLimit } from '../bound-limit.ts';

interface ShardUnreads {
  readonly channel_id: number;
  readonly unread: number;
  readonly first_unread: number | null;
}

/**
 * {@link getUnreadCounts} over a waddle whose messages span shards: the same counts, caps and
 * first unread messages one database holding the same messages gives.
 *
 * The read markers come from the primary, where read state lives (one query); then every shard
 * whose range ends above the oldest marker counts, in parallel, the unread messages of each
 * channel after its marker (the markers are sent with the query), at most `cap + 1` each:
 * ```sql
 * SELECT k.channel_id,
 *   (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.channel_id = k.channel_id AND m.id > k.marker
 *      AND m.is_deleted = 0 AND m.user_id <> ? LIMIT CAST(? AS INTEGER))) AS unread,
 *   (SELECT m.id FROM messages AS m WHERE … ORDER BY m.id LIMIT 1) AS first_unread
 * FROM (SELECT json_extract(value, '$[0]') AS channel_id, json_extract(value, '$[1]') AS marker FROM json_each(?)) AS k
 * ```
 * The counts add up across shards (capped again), and the first unread message is the first
 * shard's that has one. Two round trips where one database takes one; a waddle of one shard is
 * served by {@link getUnreadCounts} itself.
 */
export async function getShardedUnreadCounts(
  sharded: ShardedWaddle,
  options: { readonly userId: number; readonly channelIds: readonly number[]; readonly cap?: number },
): Promise<ChannelUnreads[]> {
  if (sharded.shards.length === 1) return getUnreadCounts(sharded.primary, options);
  const cap = options.cap ?? 100;
  if (!Number.isInteger(cap) || cap < 1 || cap > 1000) throw new InvalidQueryError('cap', 'must be an integer from 1 to 1000');
  if (!Number.isSafeInteger(options.userId) || !options.channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  if (options.channelIds.length === 0) return [];

  const { db } = sharded.primary;
  const markers = await db
    .selectFrom('channels as c')
    .leftJoin('read_states as r', (join) => join.onRef('r.channel_id', '=', 'c.id').on('r.user_id', '=', options.userId))
    .select(['c.id as channel_id', sql<number>`coalesce(r.last_read_message_id, 0)`.as('last_read')])
    .where('c.id', 'in', options.channelIds)
    .orderBy('c.id')
    .execute();
  if (markers.length === 0) return [];
  const oldest = Math.min(...markers.map((m) => m.last_read));
  const shards = sharded.shards.slice(shardIndexOf(sharded, oldest + 1));
  const perShard = await Promise.all(shards.map((shard) => unreadsInShard(shard.waddle, options.userId, markers, cap)));
  return markers.map(({ channel_id, last_read }) => {
    const counts = perShard.map((rows) => rows.get(channel_id));
    const unread = counts.reduce((sum, row) => sum + (row?.unread ?? 0), 0);
    return {
      channelId: channel_id,
      lastReadMessageId: last_read,
      unreadCount: Math.min(unread, cap),
      capped: unread > cap,
      firstUnreadMessageId: counts.find((row) => row?.first_unread != null)?.first_unread ?? null,
    };
  });
}

async function unreadsInShard(
  shard: WaddleDatabase,
  userId: number,
  markers: readonly { readonly channel_id: number; readonly last_read: number }[],
  cap: number,
): Promise<Map<number, ShardUnreads>> {
  const channel = { channelId: sql<number>`k.channel_id` };
  const marker = sql<number>`k.marker`;
  const counted = unreadMessages(shard.db, channel, userId, marker)
    .select(sql<number>`1`.as('one'))
    .limit(boundLimit(cap + 1));
  const { rows } = await sql<ShardUnreads>`
    SELECT k.channel_id, (SELECT count(*) FROM ${counted}) AS unread, ${firstUnreadMessageId(shard.db, channel, userId, marker)} AS first_unread
    FROM (SELECT json_extract(value, '$[0]') AS channel_id, json_extract(value, '$[1]') AS marker
          FROM json_each(${JSON.stringify(markers.map((m) => [m.channel_id, m.last_read]))})) AS k`.execute(shard.db);
  return new Map(rows.map((row) => [row.channel_id, row]));
}
