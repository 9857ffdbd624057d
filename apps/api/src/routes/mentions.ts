import { createRoute, z } from '@hono/zod-openapi';
import { memberNotificationLevel } from '@waddle/directory-queries/members/member-notification-level';
import { getShardedChannelBadges } from '@waddle/queries/shards/sharded-channel-badges';
import { getShardedMentionInbox } from '@waddle/queries/shards/sharded-mention-inbox';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, NO_QUERY } from '../http/route-middleware.ts';
import { cursor, pathId, queryCount } from '../http/schemas.ts';

const level = z.enum(['all', 'mentions', 'none']);

/**
 * `GET /v1/waddles/{waddle}/mentions?limit=&cursor=`: the caller's mention inbox, newest first:
 * messages of the channels they can see that name them, a role they hold now, or everyone,
 * written by someone else (see `getMentionInbox` for the SQL; `visibleChannelIds` first). Over
 * message shards `getShardedMentionInbox`: the caller's roles in the primary, then the shards
 * newest first until the page is full.
 */
export const listMentions = createRoute({
  operationId: 'listMentions',
  method: 'get',
  path: '/v1/waddles/{waddle}/mentions',
  tags: ['mentions'],
  summary: "The caller's mentions, newest first",
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId }),
    query: z.strictObject({ limit: queryCount(1, 100).optional(), cursor: cursor.optional() }),
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        mentions: z
          .array(
            z.strictObject({
              messageId: z.int(),
              channelId: z.int(),
              threadId: z.int().nullable(),
              authorId: z.int(),
              content: z.string().nullable(),
              createdAt: z.int(),
              mentionedAs: z
                .enum(['user', 'role', 'everyone', 'here'])
                .openapi({ description: 'The most direct way the message reaches the caller' }),
            }),
          )
          .readonly(),
        olderCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for older mentions; `null` at the oldest' }),
      }),
      'A page of mentions, newest first (50 unless `limit` says otherwise)',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/**
 * `GET /v1/waddles/{waddle}/badges`: per visible channel, the caller's unread and mention counts
 * (capped at 100), the notification level in force (the channel override, else the waddle level)
 * and the badge it gives: the unread count under `all`, the mention count under `mentions`, 0
 * under `none`. See `getChannelBadges` for the SQL (over message shards `getShardedChannelBadges`:
 * the caller's roles, muted threads, markers and overrides in the primary, then each shard in parallel).
 *
 * ```sql
 * SELECT notification_level FROM waddle_members WHERE waddle_id = ? AND user_id = ?;   -- central
 * ```
 */
export const listBadges = createRoute({
  operationId: 'listBadges',
  method: 'get',
  path: '/v1/waddles/{waddle}/badges',
  tags: ['mentions'],
  summary: 'Badges of the visible channels, by notification level',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        level: level.openapi({ description: "The caller's waddle level (channels may override it)" }),
        channels: z
          .array(
            z.strictObject({
              channelId: z.int(),
              level,
              levelSource: z.enum(['channel', 'waddle']),
              lastReadMessageId: z.int(),
              unreadCount: z.int(),
              unreadCapped: z.boolean(),
              mentionCount: z.int(),
              mentionsCapped: z.boolean(),
              badge: z.int().openapi({ description: 'What to show: the unread count, the mention count, or 0, by `level`' }),
              badgeCapped: z.boolean(),
            }),
          )
          .readonly(),
      }),
      'The badge of each channel the caller can see, with both counts',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/** The mention routes: the inbox and the badges. */
export const mentions = routeGroup()
  .openapi(listMentions, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const page = await getShardedMentionInbox(access.sharded, {
      userId: context.caller.id,
      visibleChannelIds: await visibleChannelIds(access),
      limit: query.limit,
      cursor: query.cursor,
    });
    return c.json(page, 200);
  })
  .openapi(listBadges, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const waddleLevel = await memberNotificationLevel(context.directory, access.waddle.id, context.caller.id);
    // A member who left since the request began.
    if (waddleLevel === null) throw notFound('waddle');
    const channels = await getShardedChannelBadges(access.sharded, {
      userId: context.caller.id,
      channelIds: await visibleChannelIds(access),
      waddleLevel,
    });
    return c.json({ level: waddleLevel, channels }, 200);
  });
