import { InvalidQueryError } from '../invalid-query-error.ts';
import { type ChannelMentions, getUnreadMentionCounts, requireCap } from '../mentions/unread-mention-counts.ts';
import { countChannelMentionsOverShards } from './channel-mentions-over-shards.ts';
import { readPrimaryMentionViewer } from './primary-mention-viewer.ts';
import type { ShardedWaddle } from './sharded-waddle.ts';

/**
 * {@link getUnreadMentionCounts} over a waddle whose messages span shards: the same counts and
 * caps one database holding the same messages gives. First, in the primary (one round trip,
 * `readPrimaryMentionViewer`), the viewer's roles now, their muted threads and the channels'
 * read markers; then every shard whose range ends above the oldest marker counts each channel's
 * mentions after its marker, in parallel (one round trip, `countChannelMentionsOverShards`, the
 * single database's walk with those as JSON parameters):
 *
 * ```sql
 * SELECT (SELECT json_group_array(role_id) FROM member_roles WHERE user_id = ?) AS role_ids, … ;   -- primary
 * WITH viewer_targets AS MATERIALIZED (…json_each(?)…), muted_threads AS MATERIALIZED (…json_each(?)…),
 *   viewer_channels AS MATERIALIZED (…json_each(?)…)
 * SELECT vc.channel_id, (<channelUnreadMentionCount>) AS mentions FROM viewer_channels AS vc;   -- each shard, in parallel
 * ```
 *
 * The counts add up and are capped again. Two round trips where one database takes one; a waddle
 * of one shard is served by {@link getUnreadMentionCounts} itself.
 *
 * @example
 * ```ts
 * const counts = await getShardedUnreadMentionCounts(access.sharded, { userId: 42, channelIds: await visibleChannelIds(access) });
 * ```
 */
export async function getShardedUnreadMentionCounts(
  sharded: ShardedWaddle,
  options: { readonly userId: number; readonly channelIds: readonly number[]; readonly cap?: number },
): Promise<ChannelMentions[]> {
  if (sharded.shards.length === 1) return getUnreadMentionCounts(sharded.primary, options);
  const cap = options.cap ?? 100;
  requireCap(cap);
  if (!Number.isSafeInteger(options.userId) || !options.channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  if (options.channelIds.length === 0) return [];
  const viewer = await readPrimaryMentionViewer(sharded.primary, options.userId, options.channelIds);
  const totals = await countChannelMentionsOverShards(sharded, options.userId, viewer, cap, false);
  return viewer.channels.map((channel) => {
    const mentions = totals.get(channel.channelId)!.mentions;
    return {
      channelId: channel.channelId,
      lastReadMessageId: channel.marker,
      mentionCount: Math.min(mentions, cap),
      capped: mentions > cap,
    };
  });
}
