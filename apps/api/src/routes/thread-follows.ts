import { createRoute, z } from '@hono/zod-openapi';
import { markShardedThreadRead } from '@waddle/queries/shards/mark-sharded-thread-read';
import { getShardedFollowedThreads } from '@waddle/queries/shards/sharded-followed-threads';
import { getShardedThreadUnreads } from '@waddle/queries/shards/sharded-thread-unreads';
import { setThreadFollow } from '@waddle/queries/threads/set-thread-follow';
import { visibleChannelIds } from '../access/visible-channels.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { cursor, id, pathId, queryCount } from '../http/schemas.ts';
import { threadUnreadsBody } from './thread-unreads-body.ts';

const followedQuery = z.strictObject({
  onlyUnread: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: 'Only threads with a live message by someone else after the marker' }),
  limit: queryCount(1, 100).optional(),
  cursor: cursor.optional(),
});

const followedPage = jsonAnswer(
  z.strictObject({
    threads: z.array(threadUnreadsBody).readonly(),
    nextCursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor`, with the same filters, for threads of older activity; `null` after the last' }),
  }),
  'A page of followed threads, newest activity first (threads without messages last)',
);

/**
 * `GET /v1/waddles/{waddle}/followed-threads?onlyUnread=&limit=&cursor=`: the threads the caller
 * follows in the channels they can see, newest activity first, each with its read marker and
 * capped unread and mention counts. See `getFollowedThreads` for the SQL (over message shards
 * `getShardedFollowedThreads`: the page from the primary's rows, then each later shard adds its counts).
 */
export const listFollowedThreads = createRoute({
  operationId: 'listFollowedThreads',
  method: 'get',
  path: '/v1/waddles/{waddle}/followed-threads',
  tags: ['threads'],
  summary: 'Followed threads across the waddle',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId }), query: followedQuery },
  responses: { 200: followedPage, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** `GET /v1/waddles/{waddle}/channels/{channel}/followed-threads`: the same, in one visible channel. */
export const listChannelFollowedThreads = createRoute({
  operationId: 'listChannelFollowedThreads',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/followed-threads',
  tags: ['threads'],
  summary: 'Followed threads of a channel',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, channel: pathId }), query: followedQuery },
  responses: { 200: followedPage, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/**
 * `PUT /v1/waddles/{waddle}/threads/{thread}/follow`: the caller follows (`following`), stops
 * following (`unfollowed`) or mutes (`muted`) a thread of a channel they can see. The choice is
 * remembered: after `unfollowed` or `muted`, posting in the thread or being mentioned in it no
 * longer follows it again. A first follow starts read up to the thread's newest message. See
 * `setThreadFollow`, then `getThreadUnreads` (over message shards `getShardedThreadUnreads`), for the SQL.
 */
export const followThread = createRoute({
  operationId: 'followThread',
  method: 'put',
  path: '/v1/waddles/{waddle}/threads/{thread}/follow',
  tags: ['threads'],
  summary: 'Follow, unfollow or mute a thread',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, thread: pathId }),
    query: NO_QUERY,
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ state: z.enum(['following', 'unfollowed', 'muted']) }) } },
    },
  },
  responses: {
    200: jsonAnswer(threadUnreadsBody, "The caller's state in the thread, as it is now"),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]),
  },
});

/**
 * `PUT /v1/waddles/{waddle}/threads/{thread}/read`: moves the caller's read marker in the thread
 * forward to `messageId` (never backwards; clamped to the thread's newest message). The marker
 * belongs to the caller's row for the thread (followed, muted or unfollowed): for a thread they
 * never had one, nothing is recorded and `lastReadMessageId` is `null` (its messages are read
 * against the channel's marker). See `markThreadRead` for the SQL (over message shards
 * `markShardedThreadRead`: clamped to the thread's newest message in any shard).
 */
export const markThreadReadRoute = createRoute({
  operationId: 'markThreadRead',
  method: 'put',
  path: '/v1/waddles/{waddle}/threads/{thread}/read',
  tags: ['read state'],
  summary: 'Move the read marker of a thread',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, thread: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject({ messageId: id }) } } },
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        threadId: z.int(),
        lastReadMessageId: z
          .int()
          .nullable()
          .openapi({ description: 'The thread marker after the move; `null` when the caller never followed, muted or unfollowed it' }),
      }),
      'The thread marker as it is now',
    ),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS]),
  },
});

/** The followed-thread routes: the lists, the follow state, the thread read marker. */
export const threadFollows = routeGroup()
  .openapi(listFollowedThreads, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const page = await getShardedFollowedThreads(access.sharded, {
      userId: context.caller.id,
      visibleChannelIds: await visibleChannelIds(access),
      onlyUnread: query.onlyUnread === 'true',
      limit: query.limit,
      cursor: query.cursor,
    });
    return c.json(page, 200);
  })
  .openapi(listChannelFollowedThreads, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    const page = await getShardedFollowedThreads(access.sharded, {
      userId: context.caller.id,
      visibleChannelIds: [channel.id],
      channelId: channel.id,
      onlyUnread: query.onlyUnread === 'true',
      limit: query.limit,
      cursor: query.cursor,
    });
    return c.json(page, 200);
  })
  .openapi(followThread, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel, thread } = await openWaddle(context, params.waddle, { threadId: params.thread });
    const userId = context.caller.id;
    if (!(await setThreadFollow(access.database, { userId, threadId: thread.id, state: body.state }))) throw notFound('thread');
    const [state] = await getShardedThreadUnreads(access.sharded, { userId, threadIds: [thread.id], visibleChannelIds: [channel.id] });
    // Deleted (or moved to another channel) meanwhile: as if it had not been found.
    if (!state) throw notFound('thread');
    return c.json(state, 200);
  })
  .openapi(markThreadReadRoute, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, thread } = await openWaddle(context, params.waddle, { threadId: params.thread });
    const lastReadMessageId = await markShardedThreadRead(access.sharded, {
      userId: context.caller.id,
      threadId: thread.id,
      messageId: body.messageId,
    });
    return c.json({ threadId: thread.id, lastReadMessageId }, 200);
  });
