import type { DB } from '@waddle/waddle-schema/database';

/** What raises a badge: every unread message, only mentions, or nothing (the counts still exist). */
export type NotificationLevel = DB['channel_notification_levels']['level'];

/**
 * The level that decides a channel's badge: the member's override for the channel, else their
 * waddle level (`waddle_members.notification_level`, central). Runs no SQL.
 *
 * | level | badge |
 * | --- | --- |
 * | `all` | the unread count |
 * | `mentions` | the unread mention count |
 * | `none` | nothing (0) |
 *
 * @example
 * ```ts
 * effectiveLevel('all', 'mentions'); // 'mentions'
 * ```
 */
export function effectiveLevel(waddleLevel: NotificationLevel, channelOverride: NotificationLevel | null): NotificationLevel {
  return channelOverride ?? waddleLevel;
}
