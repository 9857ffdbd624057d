import type { WaddleDatabase } from '../waddle-database.ts';
import type { ChannelOverwriteRow, OverwriteTarget } from './channel-overwrite-row.ts';

/**
 * One target's overwrite in a channel, or `undefined` when it has none.
 *
 * ```sql
 * SELECT * FROM channel_overwrites WHERE channel_id = ? AND target_kind = ? AND target_id = ?   -- primary key
 * ```
 */
export function findChannelOverwrite(
  waddle: WaddleDatabase,
  channelId: number,
  target: OverwriteTarget,
): Promise<ChannelOverwriteRow | undefined> {
  return waddle.db
    .selectFrom('channel_overwrites')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where('target_kind', '=', target.kind)
    .where('target_id', '=', target.id)
    .executeTakeFirst();
}
