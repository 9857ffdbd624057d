import { listChannelVisibility } from '@waddle/queries/channels/channel-visibility';
import type { WaddleAccess } from './waddle-access.ts';

/**
 * The ids of the channels the caller may see in this waddle (private ones only with
 * VIEW_PRIVATE_CHANNELS): what search and unread counts are limited to.
 *
 * ```sql
 * -- listChannelVisibility:
 * SELECT id, is_private FROM channels
 * ```
 */
export async function visibleChannelIds(access: WaddleAccess): Promise<number[]> {
  const channels = await listChannelVisibility(access.database);
  return channels.filter((channel) => access.canSee(channel)).map((channel) => channel.id);
}
