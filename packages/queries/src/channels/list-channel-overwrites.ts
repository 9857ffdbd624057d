import type { WaddleDatabase } from '../waddle-database.ts';
import type { ChannelOverwriteRow } from './channel-overwrite-row.ts';

/**
 * Every overwrite of a channel: members' by user id, then roles' by role id (`@everyone`, 0, first).
 *
 * ```sql
 * SELECT * FROM channel_overwrites WHERE channel_id = ? ORDER BY target_kind, target_id   -- primary key
 * ```
 */
export function listChannelOverwrites(waddle: WaddleDatabase, channelId: number): Promise<ChannelOverwriteRow[]> {
  return waddle.db
    .selectFrom('channel_overwrites')
    .selectAll()
    .where('channel_id', '=', channelId)
    .orderBy('target_kind')
    .orderBy('target_id')
    .execute();
}
