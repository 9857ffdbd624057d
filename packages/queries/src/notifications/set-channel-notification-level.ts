import type { WaddleDatabase } from '../waddle-database.ts';
import type { NotificationLevel } from './notification-level.ts';

/**
 * Sets (or, with `level: null`, removes) a member's notification level for one channel, which
 * then wins over their waddle level (see `effectiveLevel`). The caller has checked that they may
 * see the channel; an unknown channel is refused by the foreign key.
 *
 * ```sql
 * INSERT INTO channel_notification_levels (user_id, channel_id, level, updated_at) VALUES (?, ?, ?, ?)
 * ON CONFLICT (user_id, channel_id) DO UPDATE SET level = excluded.level, updated_at = excluded.updated_at;
 * -- or, with level null:
 * DELETE FROM channel_notification_levels WHERE user_id = ? AND channel_id = ?;
 * ```
 *
 * @example
 * ```ts
 * await setChannelNotificationLevel(waddle, { userId: 42, channelId: 1, level: 'mentions', at: context.now });
 * ```
 */
export async function setChannelNotificationLevel(
  waddle: WaddleDatabase,
  choice: { readonly userId: number; readonly channelId: number; readonly level: NotificationLevel | null; readonly at: number },
): Promise<void> {
  if (choice.level === null) {
    await waddle.db
      .deleteFrom('channel_notification_levels')
      .where('user_id', '=', choice.userId)
      .where('channel_id', '=', choice.channelId)
      .execute();
    return;
  }
  await waddle.db
    .insertInto('channel_notification_levels')
    .values({ user_id: choice.userId, channel_id: choice.channelId, level: choice.level, updated_at: choice.at })
    .onConflict((conflict) =>
      conflict
        .columns(['user_id', 'channel_id'])
        .doUpdateSet((eb) => ({ level: eb.ref('excluded.level'), updated_at: eb.ref('excluded.updated_at') })),
    )
    .execute();
}
