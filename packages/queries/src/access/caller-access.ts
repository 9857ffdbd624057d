import type { Messages, Roles } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';
import type { ChannelOverwriteRow } from '../channels/channel-overwrite-row.ts';
import type { ChannelRow } from '../channels/channel-row.ts';
import { overwritesReaching } from '../channels/overwrites-reaching.ts';
import type { ThreadRow } from '../threads/thread-row.ts';
import { runBatch, type WaddleDatabase } from '../waddle-database.ts';

/** What a request is about inside a waddle: at most one of a channel, a thread or a message. */
export type AccessTarget =
  | { readonly channelId: number; readonly threadId?: undefined; readonly messageId?: undefined }
  | { readonly threadId: number; readonly channelId?: undefined; readonly messageId?: undefined }
  | { readonly messageId: number; readonly channelId?: undefined; readonly threadId?: undefined }
  | { readonly channelId?: undefined; readonly threadId?: undefined; readonly messageId?: undefined };

/** A role the caller holds (the default role is held by every member). */
export type HeldRole = Pick<Selectable<Roles>, 'id' | 'permissions' | 'position' | 'is_default'>;

/** The columns of a target message that access decisions read. */
export type TargetMessage = Pick<Selectable<Messages>, 'id' | 'channel_id' | 'thread_id' | 'user_id' | 'is_deleted' | 'is_pinned'>;

/** The caller's standing in a waddle database and the target, read in one round trip. */
export interface CallerAccess {
  /** A ban of the caller in force at `now`. */
  readonly banned: boolean;
  readonly roles: readonly HeldRole[];
  /** The target's channel (the channel itself, or the thread's or message's); undefined when it does not exist. */
  readonly channel?: ChannelRow;
  /** The target channel's overwrites that reach the caller (`@everyone`'s, their roles', their own); none without a target. */
  readonly overwrites: readonly ChannelOverwriteRow[];
  readonly thread?: ThreadRow;
  readonly message?: TargetMessage;
}

/**
 * Reads, in one `batch()` of the waddle database (one round trip, one consistent snapshot), the
 * caller's ban in force, the roles they hold and the target of the request: a channel, a thread
 * with its channel, or a message with its channel, with that channel's overwrites that reach the
 * caller. Decides nothing: the API's `openWaddle` turns it into permissions and 403/404 answers.
 *
 * ```sql
 * SELECT user_id FROM bans WHERE user_id = ? AND (expires_at IS NULL OR expires_at > ?);
 * SELECT id, permissions, position, is_default FROM roles
 *   WHERE is_default = 1 OR id IN (SELECT role_id FROM member_roles WHERE user_id = ?);
 * SELECT * FROM channels WHERE id = ?;                                               -- a channel target, or:
 * SELECT * FROM channels WHERE id = (SELECT channel_id FROM threads WHERE id = ?);   -- a thread target
 * SELECT * FROM channels WHERE id = (SELECT channel_id FROM messages WHERE id = ?);  -- a message target
 * SELECT o.* FROM channel_overwrites AS o WHERE o.channel_id = <the channel above> AND <reaching the caller>;   -- with a target
 * SELECT * FROM threads WHERE id = ?;                                                -- with a thread target
 * SELECT id, channel_id, thread_id, user_id, is_deleted, is_pinned FROM messages WHERE id = ?; -- with a message target
 * ```
 *
 * @example
 * ```ts
 * const { banned, roles, channel, thread } = await readCallerAccess(waddle, { userId: 42, now: context.now }, { threadId: 7 });
 * ```
 */
export async function readCallerAccess(
  waddle: WaddleDatabase,
  caller: { readonly userId: number; readonly now: number },
  target: AccessTarget = {},
): Promise<CallerAccess> {
  const { db } = waddle;
  const ban = db
    .selectFrom('bans')
    .select('user_id')
    .where('user_id', '=', caller.userId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', caller.now)]));
  const roles = db
    .selectFrom('roles')
    .select(['id', 'permissions', 'position', 'is_default'])
    .where((eb) =>
      eb.or([
        eb('is_default', '=', eb.lit(1)),
        eb('id', 'in', eb.selectFrom('member_roles').select('role_id').where('user_id', '=', caller.userId)),
      ]),
    );
  const channels = db.selectFrom('channels').selectAll();
  const reaching = overwritesReaching(db, caller.userId);
  if (target.channelId !== undefined) {
    const [bans, held, channel, overwrites] = await runBatch(waddle, [
      ban,
      roles,
      channels.where('id', '=', target.channelId),
      reaching.where('o.channel_id', '=', target.channelId),
    ]);
    return { banned: bans.results.length > 0, roles: held.results, channel: channel.results[0], overwrites: overwrites.results };
  }
  if (target.threadId !== undefined) {
    const threadId = target.threadId;
    const threadChannel = db.selectFrom('threads').select('threads.channel_id').where('threads.id', '=', threadId);
    const [bans, held, channel, overwrites, thread] = await runBatch(waddle, [
      ban,
      roles,
      channels.where('id', '=', threadChannel),
      reaching.where('o.channel_id', '=', threadChannel),
      db.selectFrom('threads').selectAll().where('id', '=', threadId),
    ]);
    return {
      banned: bans.results.length > 0,
      roles: held.results,
      channel: channel.results[0],
      overwrites: overwrites.results,
      thread: thread.results[0],
    };
  }
  if (target.messageId !== undefined) {
    const messageId = target.messageId;
    const messageChannel = db.selectFrom('messages').select('messages.channel_id').where('messages.id', '=', messageId);
    const [bans, held, channel, overwrites, message] = await runBatch(waddle, [
      ban,
      roles,
      channels.where('id', '=', messageChannel),
      reaching.where('o.channel_id', '=', messageChannel),
      db.selectFrom('messages').select(['id', 'channel_id', 'thread_id', 'user_id', 'is_deleted', 'is_pinned']).where('id', '=', messageId),
    ]);
    return {
      banned: bans.results.length > 0,
      roles: held.results,
      channel: channel.results[0],
      overwrites: overwrites.results,
      message: message.results[0],
    };
  }
  const [bans, held] = await runBatch(waddle, [ban, roles]);
  return { banned: bans.results.length > 0, roles: held.results, overwrites: [] };
}
