import { createRoute, z } from '@hono/zod-openapi';
import { markShardedRead } from '@waddle/queries/shards/mark-sharded-read';
import { getShardedFollowedThreads } from '@waddle/queries/shards/sharded-followed-threads';
import { getShardedUnreadCounts } from '@waddle/queries/shards/sharded-unread-counts';
import { getShardedUnreadMentionCounts } from '@waddle/queries/shards/sharded-unread-mention-counts';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { id, pathId } from '../http/schemas.ts';
import { threadUnreadsBody } from './thread-unreads-body.ts';

/** Followed threads with unreads listed by `GET …/unreads`; the rest through `GET …/followed-threads?onlyUnread=true&cursor=`. */
const UNREAD_THREADS_PAGE = 50;

/**
 * `PUT /v1/waddles/{waddle}/channels/{channel}/read`: moves the caller's read marker forward to
 * `messageId` (never backwards; clamped to the channel's newest message, in whichever message
 * shard). See `markRead` (and `markShardedRead`: one more statement per shard looked into).
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
 * 100), first unread message, read marker and unread mention count (capped at 100); and the
 * followed threads with unreads, newest activity first (the first 50, with the cursor of
 * `GET …/followed-threads?onlyUnread=true` for more). See `getUnreadCounts` (over message
 * shards `getShardedUnreadCounts`: the markers in the primary, then each shard in parallel),
 * `getUnreadMentionCounts` (`getShardedUnreadMentionCounts`) and `getFollowedThreads`
 * (`getShardedFollowedThreads`) for the SQL: three statements on one database; over shards each
 * reads the primary, then the shards above the oldest marker in parallel.
 */
export const listUnreads = createRoute({
  operationId: 'listUnreads',
  method: 'get',
  path: '/v1/waddles/{waddle}/unreads',
  tags: ['read state'],
  summary: 'Unread counts of the visible channels and followed threads',
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
            mentionCount: z.int().openapi({
              description: 'Of the messages after the marker, those mentioning the caller (muted threads left out), up to 100',
            }),
            mentionsCapped: z.boolean(),
          }),
        ),
        followedThreads: z.strictObject({
          threads: z.array(threadUnreadsBody).readonly(),
          nextCursor: z
            .string()
            .nullable()
            .openapi({ description: 'More followed threads with unreads: `GET …/followed-threads?onlyUnread=true&cursor=`' }),
        }),
      }),
      'The read state of each channel the caller can see, and of the threads they follow there',
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
    const lastReadMessageId = await markShardedRead(access.sharded, {
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
    const userId = context.caller.id;
    const channelIds = await visibleChannelIds(access);
    const unreads = await getShardedUnreadCounts(access.sharded, { userId, channelIds });
    const mentions = new Map((await getShardedUnreadMentionCounts(access.sharded, { userId, channelIds })).map((m) => [m.channelId, m]));
    const followedThreads = await getShardedFollowedThreads(access.sharded, {
      userId,
      visibleChannelIds: channelIds,
      onlyUnread: true,
      limit: UNREAD_THREADS_PAGE,
    });
    const channels = unreads.map((channel) => ({
      ...channel,
      mentionCount: mentions.get(channel.channelId)?.mentionCount ?? 0,
      mentionsCapped: mentions.get(channel.channelId)?.capped ?? false,
    }));
    return c.json({ channels, followedThreads }, 200);
  });
