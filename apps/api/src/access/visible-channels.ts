import { listChannelVisibility } from '@waddle/queries/channels/channel-visibility';
import type { WaddleAccess } from './waddle-access.ts';

/**
 * The ids of the channels the caller may view in this waddle (VIEW_CHANNELS in the channel, after
 * its overwrites: see `channelPermissions`): what search, unread counts and every other list
 * across channels are limited to. One statement for all the channels.
 *
 * ```sql
 * -- listChannelVisibility:
 * SELECT c.id, o.* FROM channels AS c LEFT JOIN (<the overwrites reaching the caller>) AS o ON o.channel_id = c.id ORDER BY c.id
 * ```
 */
export async function visibleChannelIds(access: WaddleAccess): Promise<number[]> {
  const channels = await listChannelVisibility(access.database, access.userId);
  return channels.filter((channel) => access.canView(channel.overwrites)).map((channel) => channel.id);
}
