import { createRoute, z } from '@hono/zod-openapi';
import { getUnreadCounts } from '@waddle/queries/unreads/unread-counts';
import { markRead } from '@waddle/queries/unreads/mark-read';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { id, pathId } from '../http/schemas.ts';

/**
 * `PUT /v1/waddles/{waddle}/channels/{channel}/read`: moves the caller's read marker forward to
 * `messageId` (never backwards; clamped to the channel's newest message). See `markRead`.
 *
 * The marker returned is the one `markRead` reads back after its write (no third statement).
 */
export const markReadRoute = createRoute({
  operationId: 'markRead',
  method: 'put',
  path: '/v1/waddles/{waddle}/channels/{channel}/read',
  tags: ['read state'],
  summary: 'Move the read marker of a channel',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, channel: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject({ messageId: id }) } } },
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({ channelId: z.int(), lastReadMessageId: z.int().openapi({ description: 'The read marker after the move' }) }),
      'The read marker as it is now',
    ),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]),
  },
});

/**
 * `GET /v1/waddles/{waddle}/unreads`: per visible channel, the caller's unread count (capped at
 * 100), first unread message and read marker. See `getUnreadCounts` for the SQL.
 */
export const listUnreads = createRoute({
  operationId: 'listUnreads',
  method: 'get',
  path: '/v1/waddles/{waddle}/unreads',
  tags: ['read state'],
  summary: 'Unread counts of the visible channels',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        channels: z.array(
          z.strictObject({
            channelId: z.int(),
            lastReadMessageId: z.int().openapi({ description: 'The newest message id read (0: none)' }),
            unreadCount: z.int().openapi({ description: 'Live messages by others after the marker, counted up to 100' }),
            capped: z.boolean().openapi({ description: 'The count stopped at 100: there are at least that many' }),
            firstUnreadMessageId: z.int().nullable(),
          }),
        ),
      }),
      'The read state of each channel the caller can see',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/** The read state routes. */
export const readState = routeGroup()
  .openapi(markReadRoute, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    const lastReadMessageId = await markRead(access.database, {
      userId: context.caller.id,
      channelId: channel.id,
      messageId: body.messageId,
      at: context.now,
    });
    return c.json({ channelId: channel.id, lastReadMessageId }, 200);
  })
  .openapi(listUnreads, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const channels = await getUnreadCounts(access.database, { userId: context.caller.id, channelIds: await visibleChannelIds(access) });
    return c.json({ channels }, 200);
  });
