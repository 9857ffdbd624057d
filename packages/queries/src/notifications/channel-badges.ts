import type { DB } from '@waddle/waddle-schema/database';
import { type Kysely, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import { channelUnreadMentionCount, MUTED_THREADS, requireCap, withViewerMentionScope } from '../mentions/unread-mention-counts.ts';
import { unreadMessages } from '../unreads/first-unread.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { effectiveLevel, type NotificationLevel } from './notification-level.ts';
import { boundLimit } from '../bound-limit.ts';

/** A channel's counts for one member, the level that applies, and the badge it gives. */
export interface ChannelBadge {
  readonly channelId: number;
  /** The level in force: the channel's override, else the waddle level. */
  readonly level: NotificationLevel;
  readonly levelSource: 'channel' | 'waddle';
  readonly lastReadMessageId: number;
  /** Live messages by others after the marker (`unreads/first-unread`), up to `cap`. */
  readonly unreadCount: number;
  readonly unreadCapped: boolean;
  /** Of those, the ones mentioning the member (`mentions/mentions-reaching`, muted threads left out), up to `cap`. */
  readonly mentionCount: number;
  readonly mentionsCapped: boolean;
  /** What to show: the unread count under `all`, the mention count under `mentions`, 0 under `none`. */
  readonly badge: number;
  readonly badgeCapped: boolean;
}

/**
 * Badges of a member's channels (those the caller may see): both counts, whatever the level, and
 * the level that decides which one is the badge: the member's override for the channel, else
 * their waddle level, which the caller reads from the central directory
 * (`waddle_members.notification_level`). One statement for all channels.
 *
 * ```sql
 * WITH viewer_targets AS MATERIALIZED (<viewerTargets>), muted_threads AS MATERIALIZED (<mutedThreads>)
 * SELECT c.id AS channel_id, coalesce(r.last_read_message_id, 0) AS last_read, n.level AS channel_level,
 *   (SELECT count(*) FROM (SELECT 1 FROM messages AS m WHERE m.channel_id = c.id AND m.id > <marker>
 *      AND m.is_deleted = 0 AND m.user_id <> ? LIMIT CAST(? AS INTEGER))) AS unread,
 *   (<channelUnreadMentionCount in channel c.id after <marker>, gated by c.id IN (SELECT channel_id FROM muted_threads), LIMIT CAST(? AS INTEGER)>) AS mentions
 * FROM channels AS c
 * LEFT JOIN read_states AS r ON r.user_id = ? AND r.channel_id = c.id
 * LEFT JOIN channel_notification_levels AS n ON n.user_id = ? AND n.channel_id = c.id
 * WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id
 * ```
 *
 * @example
 * ```ts
 * const badges = await getChannelBadges(waddle, { userId: 42, channelIds: visible, waddleLevel: member.notification_level });
 * ```
 */
export async function getChannelBadges(
  waddle: WaddleDatabase,
  options: {
    readonly userId: number;
    readonly channelIds: readonly number[];
    readonly waddleLevel: NotificationLevel;
    readonly cap?: number;
  },
): Promise<ChannelBadge[]> {
  const cap = options.cap ?? 100;
  requireCap(cap);
  if (!['all', 'mentions', 'none'].includes(options.waddleLevel))
    throw new InvalidQueryError('waddleLevel', 'must be all, mentions or none');
  if (options.channelIds.length === 0) return [];
  const rows = await channelBadgesQuery(waddle.db, options.userId, options.channelIds, cap).execute();
  return rows.map((row) => toChannelBadge(row, options.waddleLevel, cap));
}

/**
 * A channel's badge from its counts (each read up to `cap + 1`: more than `cap` is capped), the
 * member's override (`channel_level`, `null` for none) and their waddle level. Runs no SQL.
 */
export function toChannelBadge(
  row: {
    readonly channel_id: number;
    readonly last_read: number;
    readonly channel_level: NotificationLevel | null;
    readonly unread: number | null;
    readonly mentions: number | null;
  },
  waddleLevel: NotificationLevel,
  cap: number,
): ChannelBadge {
  const level = effectiveLevel(waddleLevel, row.channel_level);
  const unread = row.unread ?? 0;
  const mentions = row.mentions ?? 0;
  const shown = level === 'all' ? unread : level === 'mentions' ? mentions : 0;
  return {
    channelId: row.channel_id,
    level,
    levelSource: row.channel_level === null ? 'waddle' : 'channel',
    lastReadMessageId: row.last_read,
    unreadCount: Math.min(unread, cap),
    unreadCapped: unread > cap,
    mentionCount: Math.min(mentions, cap),
    mentionsCapped: mentions > cap,
    badge: Math.min(shown, cap),
    badgeCapped: shown > cap,
  };
}

/** The query of {@link getChannelBadges}, for its query plan. */
export function channelBadgesQuery(db: Kysely<DB>, userId: number, channelIds: readonly number[], cap: number) {
  if (!Number.isSafeInteger(userId) || !channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  const marker = sql<number>`coalesce(r.last_read_message_id, 0)`;
  const channel = { channelId: sql<number>`c.id` };
  const unread = unreadMessages(db, channel, userId, marker)
    .select(sql.lit(1).as('one'))
    .limit(boundLimit(cap + 1));
  return withViewerMentionScope(db, userId)
    .selectFrom('channels as c')
    .leftJoin('read_states as r', (join) => join.on('r.user_id', '=', userId).onRef('r.channel_id', '=', 'c.id'))
    .leftJoin('channel_notification_levels as n', (join) => join.on('n.user_id', '=', userId).onRef('n.channel_id', '=', 'c.id'))
    .select((eb) => [
      'c.id as channel_id',
      marker.as('last_read'),
      'n.level as channel_level',
      eb
        .selectFrom(unread.as('unread'))
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .$asScalar()
        .as('unread'),
      channelUnreadMentionCount(
        db,
        userId,
        channel.channelId,
        marker,
        cap + 1,
        eb('c.id', 'in', eb.selectFrom(MUTED_THREADS).select('channel_id')).$castTo<number>(),
      ).as('mentions'),
    ])
    .where('c.id', 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(channelIds)}))`)
    .orderBy('c.id');
}
