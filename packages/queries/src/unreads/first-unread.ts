import type { DB } from '@waddle/waddle-schema/database';
import type { Expression, Kysely } from 'kysely';
import { boundLimit } from '../bound-limit.ts';

/** Where unread messages are looked for: a channel, or one thread (read against its channel's marker). */
export type UnreadScope = { readonly channelId: number | Expression<number> } | { readonly threadId: number | Expression<number> };

/**
 * What "unread" means, for every function that counts, finds or anchors on unread messages
 * (`getUnreadCounts`, `getMessagePage` with `anchor: 'first_unread'`): the live messages of the
 * scope after the viewer's read marker `after` that someone else wrote. A viewer's own messages
 * and tombstones are never unread. Walks the `(channel_id, id)` or `(thread_id, id)` index from
 * the marker.
 *
 * ```sql
 * SELECT … FROM messages AS m
 * WHERE m.channel_id = ? AND m.id > <after> AND m.is_deleted = 0 AND m.user_id <> ?   -- or m.thread_id = ?
 * ```
 */
export function unreadMessages(db: Kysely<DB>, scope: UnreadScope, viewerId: number, after: number | Expression<number>) {
  const inScope =
    'channelId' in scope
      ? db.selectFrom('messages as m').where('m.channel_id', '=', scope.channelId)
      : db.selectFrom('messages as m').where('m.thread_id', '=', scope.threadId);
  return inScope.where('m.id', '>', after).where('m.is_deleted', '=', 0).where('m.user_id', '<>', viewerId);
}

/**
 * The first unread message of the scope (see {@link unreadMessages}), as a scalar subquery: its
 * id, or `NULL` when nothing is unread. The unread counts report it as `firstUnreadMessageId` and
 * a page anchored at `first_unread` starts from it, so both always name the same message.
 *
 * ```sql
 * (SELECT m.id FROM messages AS m
 *  WHERE m.channel_id = ? AND m.id > <after> AND m.is_deleted = 0 AND m.user_id <> ?
 *  ORDER BY m.id LIMIT 1)
 * ```
 *
 * @example
 * ```ts
 * const marker = readMarker(waddle.db, 42, 1);
 * const first = await waddle.db.selectNoFrom(firstUnreadMessageId(waddle.db, { channelId: 1 }, 42, marker).as('id')).executeTakeFirst();
 * ```
 */
export function firstUnreadMessageId(db: Kysely<DB>, scope: UnreadScope, viewerId: number, after: number | Expression<number>) {
  return unreadMessages(db, scope, viewerId, after).select('m.id').orderBy('m.id').limit(boundLimit(1));
}

/**
 * The viewer's read marker in a channel as a scalar subquery: the newest message id they have
 * read there, 0 when they have read nothing.
 *
 * ```sql
 * (SELECT coalesce(max(last_read_message_id), 0) FROM read_states WHERE user_id = ? AND channel_id = ?)
 * ```
 */
export function readMarker(db: Kysely<DB>, viewerId: number, channelId: number | Expression<number>) {
  return db
    .selectFrom('read_states')
    .select((eb) => eb.fn.coalesce(eb.fn.max('last_read_message_id'), eb.lit(0)).as('marker'))
    .where('user_id', '=', viewerId)
    .where('channel_id', '=', channelId)
    .$asScalar();
}
