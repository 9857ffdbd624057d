import type { DB } from '@waddle/waddle-schema/database';
import { type Expression, type Kysely, sql } from 'kysely';
import { InvalidQueryError } from '../invalid-query-error.ts';
import type { WaddleDatabase } from '../waddle-database.ts';
import { type MentionScope, mentionsReaching } from './mentions-reaching.ts';

export interface ChannelMentions {
  readonly channelId: number;
  /** The user's read marker in the channel (0: nothing read). */
  readonly lastReadMessageId: number;
  /** Messages after the marker that mention the user (see `mentionsReaching`), counted up to `cap`. */
  readonly mentionCount: number;
  /** `mentionCount` stopped at the cap: there are at least that many. */
  readonly capped: boolean;
}

/**
 * The viewer's mentions in a scope after `after`, leaving out muted threads, counted up to
 * `cap + 1` (so a caller can tell "more than cap"), as a scalar subquery. Each arm of
 * {@link mentionsReaching} reads its index from the target and the marker; the ordered union
 * stops after `cap + 1` distinct messages.
 *
 * ```sql
 * (SELECT count(*) FROM (<mentionsReaching … after ?> ORDER BY message_id LIMIT <cap + 1>))
 * ```
 */
export function unreadMentionCount(db: Kysely<DB>, viewerId: number, scope: MentionScope, after: number | Expression<number>, cap: number) {
  const reaching = mentionsReaching(db, viewerId, scope, { after }, { skipMutedThreads: true })
    .orderBy('message_id')
    .limit(cap + 1);
  return db
    .selectFrom(reaching.as('reaching'))
    .select((eb) => eb.fn.countAll<number>().as('mentions'))
    .$asScalar();
}

/** Throws unless `cap` is an integer from 1 to 1000 (the bound of every capped count). */
export function requireCap(cap: number): void {
  if (!Number.isInteger(cap) || cap < 1 || cap > 1000) throw new InvalidQueryError('cap', 'must be an integer from 1 to 1000');
}

/**
 * A user's unread mention counts in the given channels (the ones the caller may see): messages
 * after the user's channel read marker that mention them, their roles or everyone (one
 * definition: `mentionsReaching`), not written by them, not in a thread they muted, counted up
 * to `cap` (default 100). One query for all channels.
 *
 * ```sql
 * SELECT c.id AS channel_id, coalesce(r.last_read_message_id, 0) AS last_read,
 *   (SELECT count(*) FROM (<mentionsReaching in channel c.id after coalesce(r.last_read_message_id, 0)> ORDER BY message_id LIMIT ?)) AS mentions
 * FROM channels AS c LEFT JOIN read_states AS r ON r.user_id = ? AND r.channel_id = c.id
 * WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id
 * ```
 *
 * @example
 * ```ts
 * const counts = await getUnreadMentionCounts(waddle, { userId: 42, channelIds: await visibleChannelIds(access) });
 * ```
 */
export async function getUnreadMentionCounts(
  waddle: WaddleDatabase,
  options: { readonly userId: number; readonly channelIds: readonly number[]; readonly cap?: number },
): Promise<ChannelMentions[]> {
  const cap = options.cap ?? 100;
  requireCap(cap);
  if (options.channelIds.length === 0) return [];
  const rows = await unreadMentionCountsQuery(waddle.db, options.userId, options.channelIds, cap).execute();
  return rows.map((row) => ({
    channelId: row.channel_id,
    lastReadMessageId: row.last_read,
    mentionCount: Math.min(row.mentions ?? 0, cap),
    capped: (row.mentions ?? 0) > cap,
  }));
}

/** The query of {@link getUnreadMentionCounts}, for its query plan. */
export function unreadMentionCountsQuery(db: Kysely<DB>, userId: number, channelIds: readonly number[], cap: number) {
  if (!Number.isSafeInteger(userId) || !channelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('channelIds', 'user and channel ids must be integers');
  }
  const marker = sql<number>`coalesce(r.last_read_message_id, 0)`;
  return db
    .selectFrom('channels as c')
    .leftJoin('read_states as r', (join) => join.on('r.user_id', '=', userId).onRef('r.channel_id', '=', 'c.id'))
    .select([
      'c.id as channel_id',
      marker.as('last_read'),
      unreadMentionCount(db, userId, { channelId: sql<number>`c.id` }, marker, cap).as('mentions'),
    ])
    .where('c.id', 'in', sql<number>`(SELECT value FROM json_each(${JSON.stringify(channelIds)}))`)
    .orderBy('c.id');
}
