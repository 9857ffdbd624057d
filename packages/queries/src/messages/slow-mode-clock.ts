import type { WaddleDatabase } from '../waddle-database.ts';

/**
 * When a user last posted in a channel under its slow mode (ms since the epoch); `undefined`
 * when they never did. What a refused post's `Retry-After` is computed from.
 *
 * ```sql
 * SELECT last_message_at FROM slow_mode_clocks WHERE channel_id = ? AND user_id = ?
 * ```
 */
export async function slowModeLastPostAt(waddle: WaddleDatabase, channelId: number, userId: number): Promise<number | undefined> {
  const clock = await waddle.db
    .selectFrom('slow_mode_clocks')
    .select('last_message_at')
    .where('channel_id', '=', channelId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return clock?.last_message_at;
}
