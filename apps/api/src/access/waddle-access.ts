import type { D1StatementLike } from '@waddle/d1/database';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import type { RequestContext } from '../context/request-context.ts';
import { forbidden, notFound } from '../http/api-error.ts';
import { ALL_PERMISSIONS, Permission, permissionNames } from './permissions.ts';
import type { WaddleRow } from './waddle-row.ts';

/** A channel row of a waddle database. */
export interface ChannelRow {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly description: string | null;
  readonly position: number;
  readonly category_id: number | null;
  readonly is_private: number;
  readonly is_archived: number;
  readonly thread_mode: 'required' | 'optional' | 'disabled';
  readonly slow_mode_seconds: number;
  readonly auto_archive_hours: number;
  readonly created_by: number;
  readonly created_at: number;
  readonly message_count: number;
  readonly last_message_id: number | null;
  readonly last_message_at: number | null;
}

export interface ThreadRow {
  readonly id: number;
  readonly channel_id: number;
  readonly title: string;
  readonly created_by: number;
  readonly is_locked: number;
  readonly message_count: number;
  readonly last_message_id: number | null;
  readonly last_message_at: number | null;
  readonly created_at: number;
}

export interface MessageRow {
  readonly id: number;
  readonly channel_id: number;
  readonly thread_id: number | null;
  readonly user_id: number;
  readonly is_deleted: number;
  readonly is_pinned: number;
}

/** What the caller may do in one waddle, and its database. */
export interface WaddleAccess {
  readonly waddle: WaddleRow;
  readonly database: WaddleDatabase;
  readonly isMember: boolean;
  readonly isOwner: boolean;
  /** The OR of the default role and the caller's roles; every bit for the owner and administrators. */
  readonly permissions: number;
  /** The highest position among the caller's granted roles (-1 without any); the owner outranks all. */
  readonly rank: number;
  has(permission: number): boolean;
  /** 403 `missing_permission` unless the caller has the permission. */
  require(permission: number, doing: string): void;
  /** Whether the caller may see a channel: view channels, and view private channels for a private one. */
  canSee(channel: Pick<ChannelRow, 'is_private'>): boolean;
}

/** Something inside the waddle that the request is about, looked up in the same round trip. */
export interface AccessTarget {
  readonly channelId?: number;
  readonly threadId?: number;
  readonly messageId?: number;
}

export interface OpenedWaddle {
  readonly access: WaddleAccess;
  /** The target's channel (the channel itself, or the thread's or message's), when visible. */
  readonly channel?: ChannelRow;
  readonly thread?: ThreadRow;
  readonly message?: MessageRow;
}

/**
 * Opens a waddle for the caller: the registry row with the caller's membership (read by the
 * request pipeline in the same round trip as the caller's own row), then in one batch of the
 * waddle database the caller's ban, roles and the target (channel, thread or message with its
 * channel). Refuses, in this order: an unknown waddle (404); a caller who cannot know that it
 * exists (404, the same answer, without touching the waddle database): neither a member nor a
 * former member of a private waddle; a caller banned from it (403 `banned_from_waddle`: told only
 * to members, former members and, for a public waddle, which the directory lists, anyone); a
 * non-member (404, as if it did not exist; unless `allowNonMember`, for joining); a target that
 * does not exist or sits in a channel the caller may not see (404 naming the target's kind,
 * whichever the reason).
 *
 * ```sql
 * -- see waddleRowStatement for the registry row; then, in one batch of the waddle database:
 * SELECT user_id FROM bans WHERE user_id = ? AND (expires_at IS NULL OR expires_at > ?);
 * SELECT id, permissions, position, is_default FROM roles
 *   WHERE is_default = 1 OR id IN (SELECT role_id FROM member_roles WHERE user_id = ?);
 * SELECT * FROM channels WHERE id = ?;            -- or the channel of the thread / message
 * SELECT * FROM threads WHERE id = ?;             -- with a thread target
 * SELECT id, channel_id, thread_id, user_id, is_deleted, is_pinned FROM messages WHERE id = ?; -- with a message target
 * ```
 */
export async function openWaddle(
  context: RequestContext,
  waddleId: number,
  target: AccessTarget = {},
  options: { readonly allowNonMember?: boolean } = {},
): Promise<OpenedWaddle> {
  const caller = context.caller;
  const waddle = await context.waddleRow(waddleId);
  if (!waddle) throw notFound('waddle');
  // A ban must not reveal a private waddle to someone who was never in it (they may be banned ahead of joining).
  if (!waddle.is_member && !waddle.was_member && !waddle.is_public) throw notFound('waddle');

  const database = context.waddleDatabase(waddle.id, { d1DatabaseId: waddle.d1_database_id, d1Binding: waddle.d1_binding });
  const d1 = database.d1;
  const statements: D1StatementLike[] = [
    d1.prepare('SELECT user_id FROM bans WHERE user_id = ? AND (expires_at IS NULL OR expires_at > ?)').bind(caller.id, context.now),
    d1
      .prepare(
        'SELECT id, permissions, position, is_default FROM roles WHERE is_default = 1 OR id IN (SELECT role_id FROM member_roles WHERE user_id = ?)',
      )
      .bind(caller.id),
  ];
  const channelStatement =
    target.channelId !== undefined
      ? d1.prepare('SELECT * FROM channels WHERE id = ?').bind(target.channelId)
      : target.threadId !== undefined
        ? d1.prepare('SELECT * FROM channels WHERE id = (SELECT channel_id FROM threads WHERE id = ?)').bind(target.threadId)
        : target.messageId !== undefined
          ? d1.prepare('SELECT * FROM channels WHERE id = (SELECT channel_id FROM messages WHERE id = ?)').bind(target.messageId)
          : undefined;
  if (channelStatement) statements.push(channelStatement);
  if (target.threadId !== undefined) statements.push(d1.prepare('SELECT * FROM threads WHERE id = ?').bind(target.threadId));
  if (target.messageId !== undefined) {
    statements.push(
      d1.prepare('SELECT id, channel_id, thread_id, user_id, is_deleted, is_pinned FROM messages WHERE id = ?').bind(target.messageId),
    );
  }
  const [bans, roles, channels, second] = await d1.batch(statements);

  if (bans!.results.length > 0) throw forbidden('banned_from_waddle', 'you are banned from this waddle');
  if (!waddle.is_member && !options.allowNonMember) throw notFound('waddle');

  const isOwner = waddle.owner_id === caller.id;
  const held = roles!.results as { permissions: number; position: number; is_default: number }[];
  const granted = held.reduce((bits, role) => bits | role.permissions, 0);
  const permissions = isOwner || (granted & Permission.ADMINISTRATOR) !== 0 ? ALL_PERMISSIONS : waddle.is_member ? granted : 0;
  const rank = isOwner ? Number.POSITIVE_INFINITY : Math.max(-1, ...held.filter((r) => !r.is_default).map((r) => r.position));
  const access: WaddleAccess = {
    waddle,
    database,
    isMember: waddle.is_member === 1,
    isOwner,
    permissions,
    rank,
    has: (permission) => (permissions & permission) === permission,
    require(permission, doing) {
      if ((permissions & permission) !== permission) {
        throw forbidden('missing_permission', `${doing} needs ${permissionNames(permission & ~permissions).join(', ')}`);
      }
    },
    canSee: (channel) =>
      (permissions & Permission.VIEW_CHANNELS) !== 0 &&
      (channel.is_private === 0 || (permissions & Permission.VIEW_PRIVATE_CHANNELS) !== 0),
  };

  if (!channelStatement) return { access };
  const channel = channels!.results[0] as ChannelRow | undefined;
  const kind = target.messageId !== undefined ? 'message' : target.threadId !== undefined ? 'thread' : 'channel';
  if (!channel || !access.canSee(channel)) throw notFound(kind);
  if (target.threadId !== undefined) return { access, channel, thread: second!.results[0] as ThreadRow };
  if (target.messageId !== undefined) return { access, channel, message: second!.results[0] as MessageRow };
  return { access, channel };
}
