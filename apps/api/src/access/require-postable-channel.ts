import { badRequest, forbidden } from '../http/api-error.ts';
import { Permission } from './permissions.ts';
import type { ChannelRow } from '@waddle/queries/channels/channel-row';
import type { WaddleAccess } from './waddle-access.ts';

/** The channel types (`channels.type`) that carry messages and threads. */
const TYPES_WITH_MESSAGES = new Set(['text', 'announcement']);

/**
 * What a channel lets be written into it, checked before a message is posted or a thread
 * started (beyond SEND_MESSAGES or CREATE_THREADS, which the route asks for). Reads no database.
 *
 * | `channels.type` | messages and threads |
 * | --- | --- |
 * | `text` | members with the route's permission |
 * | `announcement` | also MANAGE_MESSAGES (403 `missing_permission`): moderators announce, members read and react |
 * | `voice` | none: 400 `channel_type_refuses_messages` |
 * | `thread` | none, the same 400: a type the schema allows and the API never creates (topics are threads inside a channel) |
 *
 * An archived channel refuses both (403 `channel_archived`).
 */
export function requirePostableChannel(
  access: WaddleAccess,
  channel: Pick<ChannelRow, 'type' | 'is_archived'>,
  doing: 'posting' | 'starting a thread',
): void {
  if (!TYPES_WITH_MESSAGES.has(channel.type))
    throw badRequest('channel_type_refuses_messages', `a ${channel.type} channel carries no messages or threads`);
  if (channel.is_archived) throw forbidden('channel_archived', 'the channel is archived');
  if (channel.type === 'announcement') access.require(Permission.MANAGE_MESSAGES, `${doing} in an announcement channel`);
}
