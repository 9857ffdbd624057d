import type { WaddleDatabase } from '../waddle-database.ts';
import type { OverwriteTarget } from './channel-overwrite-row.ts';

/**
 * Deletes one target's overwrite in a channel; returns whether there was one.
 *
 * ```sql
 * DELETE FROM channel_overwrites WHERE channel_id = ? AND target_kind = ? AND target_id = ?   -- primary key
 * ```
 */
export async function deleteChannelOverwrite(waddle: WaddleDatabase, channelId: number, target: OverwriteTarget): Promise<boolean> {
  const result = await waddle.db
    .deleteFrom('channel_overwrites')
    .where('channel_id', '=', channelId)
    .where('target_kind', '=', target.kind)
    .where('target_id', '=', target.id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
