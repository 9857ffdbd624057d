import { sql } from 'kysely';
import { channelUnreadMentionCount, MUTED_THREADS, withViewerMentionScope } from '../mentions/unread-mention-counts.ts';
import { unreadMessages } from '../unreads/first-unread.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import type { PrimaryMentionViewer } from './primary-mention-viewer.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';
import { boundLimit } from '../bound-limit.ts';

/** A channel's counts summed over the shards, each shard's read up to `cap + 1`: more than `cap` is capped. */
export interface ChannelCountsOverShards {
  readonly mentions: number;
  /** Only when asked for (`withUnread`), else 0. */
  readonly unread: number;
}

/**
 * Counts, in every shard whose range ends above the oldest of the viewer's channel markers, in
 * parallel (one round trip), each channel's unread mentions of the viewer after its marker (and,
 * `withUnread`, its unread messages), each up to `cap + 1`, and adds them up. The statement is
 * the single database's walk (`channelUnreadMentionCount`, and `unreadMessages` for the unread
 * messages), with the viewer's targets, muted threads and the channels' markers given as JSON
 * parameters (`viewer`, read in the primary by `readPrimaryMentionViewer`): a later shard holds no
 * `member_roles`, `thread_follows` or `read_states` of the waddle. A shard gets only the channels
 * whose marker is below its range's end. Since a message lives in one shard, the sums of the
 * capped counts are capped exactly as one database's count: more than `cap` in all exactly when
 * the sum is.
 *
 * ```sql
 * WITH viewer_targets AS MATERIALIZED (<viewerTargets, roles FROM json_each(?)>),
 * muted_threads AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS thread_id, json_extract(value, '$[1]') AS channel_id FROM json_each(?)),
 * viewer_channels AS MATERIALIZED (
 *   SELECT json_extract(value, '$[0]') AS channel_id, json_extract(value, '$[1]') AS marker,
 *     json_extract(value, '$[0]') IN (SELECT channel_id FROM muted_threads) AS has_muted_thread FROM json_each(?))
 * SELECT vc.channel_id, (<channelUnreadMentionCount in vc.channel_id after vc.marker>) AS mentions
 *   [, (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.channel_id = vc.channel_id AND m.id > vc.marker
 *        AND m.is_deleted = 0 AND m.user_id <> ? LIMIT CAST(? AS INTEGER))) AS unread]
 * FROM viewer_channels AS vc
 * ```
 */
export async function countChannelMentionsOverShards(
  sharded: ShardedWaddle,
  userId: number,
  viewer: PrimaryMentionViewer,
  cap: number,
  withUnread: boolean,
): Promise<Map<number, ChannelCountsOverShards>> {
  const totals = new Map(viewer.channels.map((channel) => [channel.channelId, { mentions: 0, unread: 0 }]));
  if (viewer.channels.length === 0) return totals;
  const oldest = Math.min(...viewer.channels.map((channel) => channel.marker));
  const first = shardIndexOf(sharded, oldest + 1);
  const perShard = await Promise.all(
    sharded.shards.slice(first).map((shard, i) => {
      const end = sharded.shards[first + i + 1]?.firstMessageId ?? Number.POSITIVE_INFINITY;
      const channels = viewer.channels.filter((channel) => channel.marker + 1 < end);
      return countInShard(shard.waddle, userId, viewer, channels, cap, withUnread);
    }),
  );
  for (const rows of perShard) {
    for (const row of rows) {
      const total = totals.get(row.channel_id)!;
      totals.set(row.channel_id, { mentions: total.mentions + (row.mentions ?? 0), unread: total.unread + (row.unread ?? 0) });
    }
  }
  return totals;
}

async function countInShard(
  shard: WaddleDatabase,
  userId: number,
  viewer: PrimaryMentionViewer,
  channels: PrimaryMentionViewer['channels'],
  cap: number,
  withUnread: boolean,
) {
  const { db } = shard;
  const markers = JSON.stringify(channels.map((channel) => [channel.channelId, channel.marker]));
  const query = withViewerMentionScope(db, userId, viewer)
    .with(
      (cte) => cte('viewer_channels').materialized(),
      (qb) =>
        qb
          .selectFrom(sql<{ value: string }>`json_each(${markers})`.as('k'))
          .select((eb) => [
            sql<number>`json_extract(k.value, '$[0]')`.as('channel_id'),
            sql<number>`json_extract(k.value, '$[1]')`.as('marker'),
            eb(sql<number>`json_extract(k.value, '$[0]')`, 'in', eb.selectFrom(MUTED_THREADS).select('channel_id'))
              .$castTo<number>()
              .as('has_muted_thread'),
          ]),
    )
    .selectFrom('viewer_channels as vc')
    .select((eb) => [
      'vc.channel_id',
      channelUnreadMentionCount(db, userId, eb.ref('vc.channel_id'), eb.ref('vc.marker'), cap + 1, eb.ref('vc.has_muted_thread')).as(
        'mentions',
      ),
      withUnread
        ? eb
            .selectFrom(
              unreadMessages(db, { channelId: eb.ref('vc.channel_id') }, userId, eb.ref('vc.marker'))
                .select(sql.lit(1).as('one'))
                .limit(boundLimit(cap + 1))
                .as('unread'),
            )
            .select((inner) => inner.fn.countAll<number>().as('n'))
            .$asScalar()
            .as('unread')
        : sql<number>`0`.as('unread'),
    ]);
  return query.execute();
}
