import { sql } from 'kysely';
import type { GivenMentionViewer } from '../mentions/unread-mention-counts.ts';
import { mutedThreads } from '../mentions/unread-mention-counts.ts';
import type { NotificationLevel } from '../notifications/notification-level.ts';
import type { WaddleDatabase } from '../waddle-database.ts';

/** A channel as the primary holds it for one viewer: their read marker and notification override. */
export interface ViewerChannel {
  readonly channelId: number;
  /** The viewer's read marker in the channel (0: nothing read). */
  readonly marker: number;
  /** Their override of the waddle level for the channel, `null` for none. */
  readonly level: NotificationLevel | null;
}

/** What a mention count over message shards needs of the viewer, all of it from the primary. */
export interface PrimaryMentionViewer extends GivenMentionViewer {
  /** The asked channels that exist, in id order. */
  readonly channels: readonly ViewerChannel[];
}

/**
 * Reads, in the waddle's primary and in one statement (one round trip), what only the primary
 * holds of a viewer and every shard's mention count needs: the roles they hold now
 * (`member_roles`), the threads they muted with their channel (`thread_follows`, as `mutedThreads`
 * reads them), and for each of `channelIds` that exists their read marker (`read_states`) and
 * notification override (`channel_notification_levels`). A later shard has no rows in those
 * tables; the counts there take these as parameters (`GivenMentionViewer`).
 *
 * ```sql
 * SELECT (SELECT json_group_array(role_id) FROM member_roles WHERE user_id = ?) AS role_ids,
 *   (SELECT json_group_array(json_array(m.thread_id, m.channel_id)) FROM (<mutedThreads>) AS m) AS muted,
 *   (SELECT json_group_array(json_array(c.id, coalesce(r.last_read_message_id, 0), n.level)) FROM channels AS c
 *      LEFT JOIN read_states AS r ON r.user_id = ? AND r.channel_id = c.id
 *      LEFT JOIN channel_notification_levels AS n ON n.user_id = ? AND n.channel_id = c.id
 *    WHERE c.id IN (SELECT value FROM json_each(?))) AS channels
 * ```
 */
export async function readPrimaryMentionViewer(
  primary: WaddleDatabase,
  userId: number,
  channelIds: readonly number[],
): Promise<PrimaryMentionViewer> {
  const { db } = primary;
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('member_roles')
        .select(sql<string>`json_group_array(role_id)`.as('ids'))
        .where('user_id', '=', userId)
        .$asScalar()
        .as('role_ids'),
      eb
        .selectFrom(mutedThreads(db, userId).as('m'))
        .select(sql<string>`json_group_array(json_array(m.thread_id, m.channel_id))`.as('rows'))
        .$asScalar()
        .as('muted'),
      eb
        .selectFrom('channels as c')
        .leftJoin('read_states as r', (join) => join.on('r.user_id', '=', userId).onRef('r.channel_id', '=', 'c.id'))
        .leftJoin('channel_notification_levels as n', (join) => join.on('n.user_id', '=', userId).onRef('n.channel_id', '=', 'c.id'))
        .select(sql<string>`json_group_array(json_array(c.id, coalesce(r.last_read_message_id, 0), n.level))`.as('rows'))
        .where('c.id', 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(channelIds)}))`)
        .$asScalar()
        .as('channels'),
    ])
    .executeTakeFirstOrThrow();
  const muted = JSON.parse(row.muted ?? '[]') as [number, number][];
  const channels = JSON.parse(row.channels ?? '[]') as [number, number, NotificationLevel | null][];
  return {
    roleIds: JSON.parse(row.role_ids ?? '[]') as number[],
    mutedThreads: muted.map(([threadId, channelId]) => ({ threadId, channelId })),
    channels: channels.map(([channelId, marker, level]) => ({ channelId, marker, level })).sort((a, b) => a.channelId - b.channelId),
  };
}
