import { getUnreadCounts } from '@waddle/queries/unreads/unread-counts';
import { markRead } from '@waddle/queries/unreads/mark-read';
import { z } from 'zod';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { route } from '../http/route.ts';
import { id } from '../http/schemas.ts';

/**
 * `PUT /v1/waddles/{waddle}/channels/{channel}/read`: moves the caller's read marker forward to
 * `messageId` (never backwards; clamped to the channel's newest message). See `markRead`.
 *
 * The marker returned is the one `markRead` reads back after its write (no third statement).
 */
export const markReadRoute = route({
  method: 'PUT',
  path: '/v1/waddles/{waddle}/channels/{channel}/read',
  tag: 'read state',
  summary: 'Move the read marker of a channel',
  body: z.strictObject({ messageId: id }),
  async handle({ params, body }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    const lastReadMessageId = await markRead(access.database, {
      userId: context.caller.id,
      channelId: channel.id,
      messageId: body.messageId,
      at: context.now,
    });
    return { channelId: channel.id, lastReadMessageId };
  },
});

/**
 * `GET /v1/waddles/{waddle}/unreads`: per visible channel, the caller's unread count (capped at
 * 100), first unread message and read marker. See `getUnreadCounts` for the SQL.
 */
export const listUnreads = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/unreads',
  tag: 'read state',
  summary: 'Unread counts of the visible channels',
  async handle({ params }, context) {
    const { access } = await openWaddle(context, params.waddle);
    return { channels: await getUnreadCounts(access.database, { userId: context.caller.id, channelIds: await visibleChannelIds(access) }) };
  },
});
