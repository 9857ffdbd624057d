import type { TargetMessage } from '@waddle/queries/access/caller-access';
import type { ChannelRow } from '@waddle/queries/channels/channel-row';
import { forbidden, notFound } from '../http/api-error.ts';
import { Permission } from '../access/permissions.ts';
import { requirePostableChannel } from '../access/require-postable-channel.ts';
import type { WaddleAccess } from '../access/waddle-access.ts';

/**
 * Who may attach a file to a message, checked after `openWaddle` found it in a channel the caller
 * sees (else 404): a live message (404 for a tombstone), the caller's own (403 `not_author`, as
 * for editing), SEND_MESSAGES, and a channel that takes messages (`requirePostableChannel`: 400 in
 * a voice channel, 403 archived or an announcement channel without MANAGE_MESSAGES). Reads no database.
 */
export function requireAttachableMessage(access: WaddleAccess, channel: ChannelRow, message: TargetMessage, callerId: number): void {
  if (message.is_deleted) throw notFound('message');
  if (message.user_id !== callerId) throw forbidden('not_author', 'only the author can attach files to a message');
  access.require(Permission.SEND_MESSAGES, 'attaching a file');
  requirePostableChannel(access, channel, 'posting');
}
