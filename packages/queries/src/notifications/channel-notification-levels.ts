import { sql } from 'kysely';
import type { WaddleDatabase } from '../waddle-database.ts';
import type { NotificationLevel } from './notification-level.ts';

/** A member's override of their waddle level for one channel. */
export interface ChannelNotificationLevel {
  readonly channelId: number;
  readonly level: NotificationLevel;
}

/**
 * A member's per-channel notification overrides (see `setChannelNotificationLevel`) among the
 * given channels (the ones the caller may see), by channel id.
 *
 * ```sql
 * SELECT channel_id, level FROM channel_notification_levels
 * WHERE user_id = ? AND channel_id IN (SELECT value FROM json_each(?)) ORDER BY channel_id   -- primary key (user_id, channel_id)
 * ```
 *
 * @example
 * ```ts
 * const overrides = await listChannelNotificationLevels(waddle, { userId: 42, channelIds: await visibleChannelIds(access) });
 * ```
 */
export async function listChannelNotificationLevels(
  waddle: WaddleDatabase,
  options: { readonly userId: number; readonly channelIds: readonly number[] },
): Promise<ChannelNotificationLevel[]> {
  if (options.channelIds.length === 0) return [];
  const rows = await waddle.db
    .selectFrom('channel_notification_levels')
    .select(['channel_id', 'level'])
    .where('user_id', '=', options.userId)
    .where('channel_id', 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(options.channelIds)}))`)
    .orderBy('channel_id')
    .execute();
  return rows.map((row) => ({ channelId: row.channel_id, level: row.level }));
}
