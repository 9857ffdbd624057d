import { InvalidQueryError } from '../invalid-query-error.ts';
import { requireCap } from '../mentions/unread-mention-counts.ts';
import { type ChannelBadge, getChannelBadges, toChannelBadge } from '../notifications/channel-badges.ts';
import type { NotificationLevel } from '../notifications/notification-level.ts';
import { countChannelMentionsOverShards } from './channel-mentions-over-shards.ts';
import { readPrimaryMentionViewer } from './primary-mention-viewer.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * {@link getChannelBadges} over a waddle whose messages span shards: the same counts, levels and
 * badges one database holding the same messages gives. First, in the primary (one round trip,
 * `readPrimaryMentionViewer`), the viewer's roles now, their muted threads, and each channel's
 * read marker and notification override; then every shard whose range ends above the oldest
 * marker counts each channel's unread messages and unread mentions after its marker, in parallel
 * (one round trip, `countChannelMentionsOverShards` with `withUnread`):
 *
 * ```sql
 * SELECT (SELECT json_group_array(role_id) FROM member_roles WHERE user_id = ?) AS role_ids, … ;   -- primary
 * WITH viewer_targets AS MATERIALIZED (…), muted_threads AS MATERIALIZED (…), viewer_channels AS MATERIALIZED (…json_each(?)…)
 * SELECT vc.channel_id, (<channelUnreadMentionCount>) AS mentions,
 *   (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.channel_id = vc.channel_id AND m.id > vc.marker
 *      AND m.is_deleted = 0 AND m.user_id <> ? LIMIT CAST(? AS INTEGER))) AS unread
 * FROM viewer_channels AS vc;   -- each shard, in parallel
 * ```
 *
 * The counts add up and are capped again, then the level decides the badge (`toChannelBadge`).
 * Two round trips where one database takes one; a waddle of one shard is served by
 * {@link getChannelBadges} itself.
 *
 * @example
 * ```ts
 * const badges = await getShardedChannelBadges(access.sharded, { userId: 42, channelIds: visible, waddleLevel: 'mentions' });
 * ```
 */
export async function getShardedChannelBadges(
  sharded: ShardedWaddle,
  options: {
    readonly userId: number;
    readonly channelIds: readonly number[];
    readonly waddleLevel: NotificationLevel;
    readonly cap?: number;
  },
): Promise<ChannelBadge[]> {
  if (sharded.shards.length === 1) return getChannelBadges(sharded.primary, options);
  const cap = options.cap ?? 100;
  requireCap(cap);
  if (!['all', 'mentions', 'none'].includes(options.waddleLevel))
    throw new InvalidQueryError('waddleLevel', 'must be all, mentions or none');
  if (!Number.isSafeInteger(options.userId) || !options.channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  if (options.channelIds.length === 0) return [];
  const viewer = await readPrimaryMentionViewer(sharded.primary, options.userId, options.channelIds);
  const totals = await countChannelMentionsOverShards(sharded, options.userId, viewer, cap, true);
  return viewer.channels.map((channel) => {
    const { mentions, unread } = totals.get(channel.channelId)!;
    const row = { channel_id: channel.channelId, last_read: channel.marker, channel_level: channel.level, unread, mentions };
    return toChannelBadge(row, options.waddleLevel, cap);
  });
}
