import type { ChannelRow, WaddleAccess } from './waddle-access.ts';

/**
 * The ids of the channels the caller may see in this waddle (private ones only with
 * VIEW_PRIVATE_CHANNELS): what search and unread counts are limited to.
 *
 * ```sql
 * SELECT id, is_private FROM channels
 * ```
 */
export async function visibleChannelIds(access: WaddleAccess): Promise<number[]> {
  const { results } = await access.database.d1.prepare('SELECT id, is_private FROM channels').all<Pick<ChannelRow, 'id' | 'is_private'>>();
  return results.filter((channel) => access.canSee(channel)).map((channel) => channel.id);
}
