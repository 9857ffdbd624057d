import { locationOf } from '@waddle/registry/database-directory-row';
import { parseLaterMessageShards } from '@waddle/directory-queries/waddles/later-message-shards';
import type { ShownWaddle } from '@waddle/directory-queries/waddles/shown-waddle';
import { type AccessTarget, type CallerAccess, readCallerAccess, type TargetMessage } from '@waddle/queries/access/caller-access';
import type { ChannelOverwriteRow } from '@waddle/queries/channels/channel-overwrite-row';
import type { ChannelRow } from '@waddle/queries/channels/channel-row';
import { type ShardedWaddle, shardOf } from '@waddle/queries/shards/sharded-waddle';
import type { ThreadRow } from '@waddle/queries/threads/thread-row';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import type { RequestContext } from '../context/request-context.ts';
import { forbidden, notFound } from '../http/api-error.ts';
import { channelPermissions, type Overwrite, type PermissionHolder } from './channel-permissions.ts';
import { ALL_PERMISSIONS, Permission, permissionNames } from './permissions.ts';

/** What the caller may do in one waddle, and its database. */
export interface WaddleAccess extends PermissionHolder {
  readonly waddle: ShownWaddle;
  /** The waddle's primary database: channels, threads, roles, read state (and its first message shard). */
  readonly database: WaddleDatabase;
  /** The primary with its later message shards (docs/message-shards.md); a waddle of one database is its primary alone. */
  readonly sharded: ShardedWaddle;
  readonly isMember: boolean;
  readonly isOwner: boolean;
  /**
   * What the caller may do in what the request is about: in the target's channel, their
   * permissions there (`channelPermissions`); for the waddle itself, `basePermissions`.
   */
  readonly permissions: number;
  /** The highest position among the caller's granted roles (-1 without any); the owner outranks all. */
  readonly rank: number;
  /** Whether `permissions` hold every bit of `permission`. */
  has(permission: number): boolean;
  /** 403 `missing_permission` unless `permissions` hold every bit of `permission`. */
  require(permission: number, doing: string): void;
  /** Whether the caller may view a channel, given its overwrites that reach them. */
  canView(overwrites: readonly Overwrite[]): boolean;
}

/** A waddle opened for the caller: what they may do there. */
export interface OpenedWaddle {
  readonly access: WaddleAccess;
}

/** A waddle opened with a channel the caller may view; `access.permissions` are theirs in that channel. */
export interface OpenedChannel extends OpenedWaddle {
  readonly channel: ChannelRow;
  /** The channel's overwrites that reach the caller (`@everyone`'s among them). */
  readonly overwrites: readonly ChannelOverwriteRow[];
}

/** A waddle opened with a thread of a channel the caller may see. */
export interface OpenedThread extends OpenedChannel {
  readonly thread: ThreadRow;
}

/** A waddle opened with a message (live or a tombstone) of a channel the caller may see. */
export interface OpenedMessage extends OpenedChannel {
  readonly message: TargetMessage;
}

/** No target: the request is about the waddle itself. */
type NoTarget = { readonly channelId?: undefined; readonly threadId?: undefined; readonly messageId?: undefined };

/**
 * Opens a waddle for the caller: the registry row with the caller's membership (read by the
 * request pipeline in the same round trip as the caller's own row), then in one batch of the
 * waddle database the caller's ban, roles and the target (channel, thread or message with its
 * channel). Refuses, in this order: an unknown waddle (404); a caller who cannot know that it
 * exists (404, the same answer, without touching the waddle database): neither a member nor a
 * former member of a private waddle; a caller banned from it (403 `banned_from_waddle`: told only
 * to members, former members and, for a public waddle, which the directory lists, anyone); a
 * non-member (404, as if it did not exist; unless `allowNonMember`, for joining); a target that
 * does not exist or sits in a channel the caller may not view (404 naming the target's kind,
 * whichever the reason). Asked for a channel, a thread or a message, the answer carries that row
 * (and the channel, with its overwrites that reach the caller), typed and never missing: every
 * refusal above is thrown instead; its `access.permissions` are the caller's in that channel, so
 * every check of a route about a channel, a thread or a message is a check in its channel.
 *
 * ```sql
 * -- see waddleForCallerQuery for the registry row; then readCallerAccess, in one batch of the waddle database:
 * SELECT user_id FROM bans WHERE user_id = ? AND (expires_at IS NULL OR expires_at > ?);
 * SELECT id, permissions, position, is_default FROM roles
 *   WHERE is_default = 1 OR id IN (SELECT role_id FROM member_roles WHERE user_id = ?);
 * SELECT * FROM channels WHERE id = ?;            -- or the channel of the thread / message
 * SELECT o.* FROM channel_overwrites AS o WHERE o.channel_id = <that channel> AND <reaching the caller>;
 * SELECT * FROM threads WHERE id = ?;             -- with a thread target
 * SELECT id, channel_id, thread_id, user_id, is_deleted, is_pinned FROM messages WHERE id = ?; -- with a message target
 * ```
 *
 * The registry row carries the waddle's message shards (`message_shards`), opened beside the
 * primary as `access.sharded` without a statement. A message target whose id falls in a later
 * shard is read there first (`SELECT id, channel_id, thread_id, user_id, is_deleted, is_pinned FROM messages WHERE id = ?`),
 * then the primary's batch above is sent for its channel: one more round trip, and two databases
 * read one after the other rather than one snapshot. A waddle without shards costs exactly the
 * batch above.
 */
export function openWaddle(context: RequestContext, waddleId: number, target: { readonly channelId: number }): Promise<OpenedChannel>;
export function openWaddle(context: RequestContext, waddleId: number, target: { readonly threadId: number }): Promise<OpenedThread>;
export function openWaddle(context: RequestContext, waddleId: number, target: { readonly messageId: number }): Promise<OpenedMessage>;
export function openWaddle(
  context: RequestContext,
  waddleId: number,
  target?: NoTarget,
  options?: { readonly allowNonMember?: boolean },
): Promise<OpenedWaddle>;
export async function openWaddle(
  context: RequestContext,
  waddleId: number,
  target: AccessTarget = {},
  options: { readonly allowNonMember?: boolean } = {},
): Promise<OpenedWaddle | OpenedChannel | OpenedThread | OpenedMessage> {
  const caller = context.caller;
  const waddle = await context.waddleRow(waddleId);
  if (!waddle) throw notFound('waddle');
  // A ban must not reveal a private waddle to someone who was never in it (they may be banned ahead of joining).
  if (!waddle.is_member && !waddle.was_member && !waddle.is_public) throw notFound('waddle');

  const database = context.waddleDatabase(waddle.id, locationOf(waddle));
  const sharded = context.shardedWaddle(database, parseLaterMessageShards(waddle.message_shards));
  const found = await readAccess(sharded, { userId: caller.id, now: context.now }, target);

  if (found.banned) throw forbidden('banned_from_waddle', 'you are banned from this waddle');
  if (!waddle.is_member && !options.allowNonMember) throw notFound('waddle');

  const isOwner = waddle.owner_id === caller.id;
  const held = found.roles;
  const granted = held.reduce((bits, role) => bits | role.permissions, 0);
  const holder: PermissionHolder = {
    userId: caller.id,
    grantedRoleIds: new Set(held.filter((role) => !role.is_default).map((role) => role.id)),
    basePermissions: isOwner || (granted & Permission.ADMINISTRATOR) !== 0 ? ALL_PERMISSIONS : waddle.is_member ? granted : 0,
  };
  const standing = {
    ...holder,
    waddle,
    database,
    sharded,
    isMember: waddle.is_member === 1,
    isOwner,
    rank: isOwner ? Number.POSITIVE_INFINITY : Math.max(-1, ...held.filter((r) => !r.is_default).map((r) => r.position)),
  };
  const waddleAccess = accessWith(standing, holder.basePermissions);

  if (target.channelId === undefined && target.threadId === undefined && target.messageId === undefined) return { access: waddleAccess };
  const kind = target.messageId !== undefined ? 'message' : target.threadId !== undefined ? 'thread' : 'channel';
  const { channel, overwrites } = found;
  if (!channel || !waddleAccess.canView(overwrites)) throw notFound(kind);
  const access = accessWith(standing, channelPermissions(holder, overwrites));
  // The target's row was read in the same snapshot as its channel, so it is there when the channel is.
  if (target.threadId !== undefined) {
    if (!found.thread) throw notFound('thread');
    return { access, channel, overwrites, thread: found.thread };
  }
  if (target.messageId !== undefined) {
    if (!found.message) throw notFound('message');
    return { access, channel, overwrites, message: found.message };
  }
  return { access, channel, overwrites };
}

/**
 * `readCallerAccess` in the primary, except for a message in a later shard: that message is read
 * in its shard, then the primary's batch for its channel (none found: no channel, so a 404).
 */
async function readAccess(
  sharded: ShardedWaddle,
  caller: { readonly userId: number; readonly now: number },
  target: AccessTarget,
): Promise<CallerAccess> {
  const { messageId } = target;
  const shard = messageId === undefined ? sharded.primary : shardOf(sharded, messageId);
  if (messageId === undefined || shard === sharded.primary) return readCallerAccess(sharded.primary, caller, target);
  const message = await shard.db
    .selectFrom('messages')
    .select(['id', 'channel_id', 'thread_id', 'user_id', 'is_deleted', 'is_pinned'])
    .where('id', '=', messageId)
    .executeTakeFirst();
  const found = await readCallerAccess(sharded.primary, caller, message ? { channelId: message.channel_id } : {});
  return { ...found, message };
}

/** The caller's access with `permissions` as what applies: the base ones, or theirs in one channel. */
function accessWith(standing: Omit<WaddleAccess, 'permissions' | 'has' | 'require' | 'canView'>, permissions: number): WaddleAccess {
  return {
    ...standing,
    permissions,
    has: (permission) => (permissions & permission) === permission,
    require(permission, doing) {
      if ((permissions & permission) !== permission) {
        throw forbidden('missing_permission', `${doing} needs ${permissionNames(permission & ~permissions).join(', ')}`);
      }
    },
    canView: (overwrites) => (channelPermissions(standing, overwrites) & Permission.VIEW_CHANNELS) !== 0,
  };
}
