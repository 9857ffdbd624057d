import { createRoute, z } from '@hono/zod-openapi';
import { memberNotificationLevel } from '@waddle/directory-queries/members/member-notification-level';
import { setMemberNotificationLevel } from '@waddle/directory-queries/members/set-member-notification-level';
import { listChannelNotificationLevels } from '@waddle/queries/notifications/channel-notification-levels';
import { effectiveLevel } from '@waddle/queries/notifications/notification-level';
import { setChannelNotificationLevel } from '@waddle/queries/notifications/set-channel-notification-level';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { pathId } from '../http/schemas.ts';

const level = z.enum(['all', 'mentions', 'none']);

const levelsBody = z.strictObject({
  level: level.openapi({ description: "The caller's waddle level: `all` unread messages, only `mentions`, or `none` raise a badge" }),
  channels: z
    .array(z.strictObject({ channelId: z.int(), level }))
    .readonly()
    .openapi({ description: 'The overrides of the waddle level in the channels the caller can see, by channel id' }),
});

/**
 * `GET /v1/waddles/{waddle}/notification-level`: the caller's waddle level and their per-channel
 * overrides in the channels they can see.
 *
 * ```sql
 * SELECT notification_level FROM waddle_members WHERE waddle_id = ? AND user_id = ?;   -- central
 * SELECT channel_id, level FROM channel_notification_levels WHERE user_id = ? AND channel_id IN (…) ORDER BY channel_id;
 * ```
 */
export const getNotificationLevel = createRoute({
  operationId: 'getNotificationLevel',
  method: 'get',
  path: '/v1/waddles/{waddle}/notification-level',
  tags: ['mentions'],
  summary: 'The notification level and its channel overrides',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: { 200: jsonAnswer(levelsBody, 'The waddle level and the channel overrides'), ...errorAnswers(IN_WADDLE_ERRORS) },
});

/**
 * `PUT /v1/waddles/{waddle}/notification-level`: sets the caller's waddle level (central
 * `waddle_members.notification_level`); channel overrides stay.
 *
 * ```sql
 * UPDATE waddle_members SET notification_level = ? WHERE waddle_id = ? AND user_id = ?;   -- central
 * ```
 */
export const setNotificationLevel = createRoute({
  operationId: 'setNotificationLevel',
  method: 'put',
  path: '/v1/waddles/{waddle}/notification-level',
  tags: ['mentions'],
  summary: 'Set the notification level of the waddle',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject({ level }) } } },
  },
  responses: {
    200: jsonAnswer(z.strictObject({ level }), 'The waddle level as it is now'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]),
  },
});

/**
 * `PUT /v1/waddles/{waddle}/channels/{channel}/notification-level`: sets the caller's level for
 * one visible channel, which wins over their waddle level, or with `level: null` removes the
 * override. See `setChannelNotificationLevel` for the SQL.
 *
 * ```sql
 * SELECT notification_level FROM waddle_members WHERE waddle_id = ? AND user_id = ?;   -- central, for the level in force
 * ```
 */
export const setChannelLevel = createRoute({
  operationId: 'setChannelNotificationLevel',
  method: 'put',
  path: '/v1/waddles/{waddle}/channels/{channel}/notification-level',
  tags: ['mentions'],
  summary: 'Override the notification level in a channel',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, channel: pathId }),
    query: NO_QUERY,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ level: level.nullable().openapi({ description: '`null` removes the override' }) }),
        },
      },
    },
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        channelId: z.int(),
        override: level.nullable().openapi({ description: "The channel's override, `null` for none" }),
        level: level.openapi({ description: 'The level in force: the override, else the waddle level' }),
        levelSource: z.enum(['channel', 'waddle']),
      }),
      'The level in force in the channel',
    ),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]),
  },
});

/** The notification level routes: the waddle level and per-channel overrides, read and set. */
export const notificationLevels = routeGroup()
  .openapi(getNotificationLevel, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const waddleLevel = await memberNotificationLevel(context.directory, access.waddle.id, context.caller.id);
    // A member who left since the request began.
    if (waddleLevel === null) throw notFound('waddle');
    const channels = await listChannelNotificationLevels(access.database, {
      userId: context.caller.id,
      channelIds: await visibleChannelIds(access),
    });
    return c.json({ level: waddleLevel, channels }, 200);
  })
  .openapi(setNotificationLevel, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const set = await setMemberNotificationLevel(context.directory, {
      waddleId: access.waddle.id,
      userId: context.caller.id,
      level: body.level,
    });
    if (!set) throw notFound('waddle');
    return c.json({ level: body.level }, 200);
  })
  .openapi(setChannelLevel, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    const waddleLevel = await memberNotificationLevel(context.directory, access.waddle.id, context.caller.id);
    if (waddleLevel === null) throw notFound('waddle');
    await setChannelNotificationLevel(access.database, {
      userId: context.caller.id,
      channelId: channel.id,
      level: body.level,
      at: context.now,
    });
    return c.json(
      {
        channelId: channel.id,
        override: body.level,
        level: effectiveLevel(waddleLevel, body.level),
        levelSource: body.level === null ? ('waddle' as const) : ('channel' as const),
      },
      200,
    );
  });
