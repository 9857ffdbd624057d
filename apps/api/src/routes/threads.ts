import { createRoute, z } from '@hono/zod-openapi';
import { moveShardedThread } from '@waddle/queries/shards/move-sharded-thread';
import { getShardedActiveThreads } from '@waddle/queries/shards/sharded-active-threads';
import { createThread as insertThread } from '@waddle/queries/threads/create-thread';
import type { ThreadRow } from '@waddle/queries/threads/thread-row';
import { updateThread as storeThread } from '@waddle/queries/threads/update-thread';
import { Permission } from '../access/permissions.ts';
import { requirePostableChannel } from '../access/require-postable-channel.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { ApiError, badRequest, conflict, notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { id, pathId, patchOf, queryCount, singleLine } from '../http/schemas.ts';

/** The fields of a thread as the API returns it. */
const threadFields = {
  id: z.int(),
  channelId: z.int(),
  title: z.string(),
  createdBy: z.int(),
  createdAt: z.int(),
  locked: z.boolean(),
  messageCount: z.int().openapi({ description: 'Live (not deleted) messages in the thread' }),
  lastMessageId: z.int().nullable(),
  lastMessageAt: z.int().nullable(),
};

/** A thread as the API returns it. */
const threadBody = z.strictObject(threadFields);

function threadJson(thread: ThreadRow): z.infer<typeof threadBody> {
  return {
    id: thread.id,
    channelId: thread.channel_id,
    title: thread.title,
    createdBy: thread.created_by,
    createdAt: thread.created_at,
    locked: thread.is_locked === 1,
    messageCount: thread.message_count,
    lastMessageId: thread.last_message_id,
    lastMessageAt: thread.last_message_at,
  };
}

/** A title already used in the channel (titles are unique whatever their case). */
function titleTaken(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: threads\./.test(error.message);
}

const TITLE_TAKEN = 'A thread with this title, whatever its case, exists in the channel (`thread_exists`)';

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/threads?sort=active&limit=`: the channel's threads
 * by latest activity, each with its message count and its messages of the last 24 hours. See
 * `getActiveThreads` for the SQL (over message shards `getShardedActiveThreads`: every later
 * shard adds its 24-hour share, in parallel).
 */
export const listThreads = createRoute({
  operationId: 'listThreads',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/threads',
  tags: ['threads'],
  summary: 'Threads of a channel by activity',
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId, channel: pathId }),
    query: z.strictObject({ sort: z.enum(['active']).optional(), limit: queryCount(1, 100).optional() }),
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        threads: z.array(
          z.strictObject({
            ...threadFields,
            recentMessageCount: z.int().openapi({ description: 'Live messages of the last 24 hours' }),
          }),
        ),
      }),
      'The threads, latest activity first (threads without messages last)',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/threads` (CREATE_THREADS): a new topic; its title
 * is unique in the channel whatever its case (409 otherwise). The channel must take threads: not
 * a voice channel, not archived, MANAGE_MESSAGES in an announcement channel (see
 * `requirePostableChannel`), and its thread mode not `disabled`.
 *
 * ```sql
 * INSERT INTO threads (channel_id, title, created_by, created_at) VALUES (?, ?, ?, ?) RETURNING *
 * ```
 */
export const createThread = createRoute({
  operationId: 'createThread',
  method: 'post',
  path: '/v1/waddles/{waddle}/channels/{channel}/threads',
  tags: ['threads'],
  summary: 'Start a thread',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, channel: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject({ title: singleLine(1, 200) }) } } },
  },
  responses: {
    201: jsonAnswer(threadBody, 'The new thread'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS, 409], {
      400: 'Invalid input, a channel that takes no threads (`channel_type_refuses_messages`) or has them disabled (`threads_disabled`)',
      409: TITLE_TAKEN,
    }),
  },
});

/**
 * `PATCH /v1/waddles/{waddle}/threads/{thread}`: rename (its creator, or MANAGE_THREADS), lock or
 * unlock (MANAGE_THREADS; recorded in the audit log), or move to another channel of the waddle
 * (`channelId`: MANAGE_THREADS in both channels, a channel the caller sees that takes threads;
 * recorded in the audit log). The changes are one statement in the primary; a move then goes to
 * every message shard holding the thread (`moveShardedThread`). When a shard cannot be reached,
 * 503 `thread_move_incomplete` with `Retry-After: 1`: the thread is in its new channel in the
 * primary, that shard's messages of it still page under the old one, and the same request again
 * completes the move (idempotent).
 *
 * ```sql
 * UPDATE threads SET title = coalesce(?, title), is_locked = coalesce(?, is_locked), channel_id = coalesce(?, channel_id)
 * WHERE id = ? RETURNING *
 * -- a move, in each later shard: see moveShardedThread
 * ```
 */
export const updateThread = createRoute({
  operationId: 'updateThread',
  method: 'patch',
  path: '/v1/waddles/{waddle}/threads/{thread}',
  tags: ['threads'],
  summary: 'Rename, lock, unlock or move a thread',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, thread: pathId }),
    query: NO_QUERY,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: patchOf({
            title: singleLine(1, 200),
            locked: z.boolean(),
            channelId: id.openapi({ description: 'Moves the thread, with its messages, to this channel' }),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonAnswer(threadBody, 'The thread as changed'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS, 409], {
      400: 'Invalid input, or a target channel that takes no threads (`channel_type_refuses_messages`, `threads_disabled`)',
      403: 'Banned, lacking MANAGE_THREADS (in both channels for a move), or an archived target channel (`channel_archived`)',
      404: 'No such waddle or thread, or a target channel that does not exist or the caller cannot see',
      409: TITLE_TAKEN,
      503: 'A database cannot be reached (`waddle_unavailable`), or a message shard did not take the move (`thread_move_incomplete`, `Retry-After: 1`: the thread moved in the primary; send the same request again)',
    }),
  },
});

/** The thread routes: listing by activity, starting, renaming, locking and moving. */
export const threads = routeGroup()
  .openapi(listThreads, async (c) => {
    const params = c.req.valid('param');
    const query = c.req.valid('query');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    const threads = await getShardedActiveThreads(access.sharded, { channelId: channel.id, limit: query.limit ?? 25, now: context.now });
    return c.json({ threads: threads.map((thread) => ({ ...thread, channelId: channel.id })) }, 200);
  })
  .openapi(createThread, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.CREATE_THREADS, 'starting a thread');
    requirePostableChannel(access, channel, 'starting a thread');
    if (channel.thread_mode === 'disabled') throw badRequest('threads_disabled', 'this channel has no threads');
    try {
      const thread = await insertThread(access.database, {
        channelId: channel.id,
        title: body.title,
        createdBy: context.caller.id,
        createdAt: context.now,
      });
      return c.json(threadJson(thread), 201);
    } catch (error) {
      if (titleTaken(error)) throw conflict('thread_exists', 'a thread with this title exists in the channel');
      throw error;
    }
  })
  .openapi(updateThread, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, thread } = await openWaddle(context, params.waddle, { threadId: params.thread });
    if (body.locked !== undefined) access.require(Permission.MANAGE_THREADS, 'locking a thread');
    if (body.title !== undefined && thread.created_by !== context.caller.id)
      access.require(Permission.MANAGE_THREADS, "renaming another member's thread");
    // A move already done in the primary is sent again: the repeat of a 503 completes the shards.
    const moveTo = body.channelId;
    if (moveTo !== undefined) {
      access.require(Permission.MANAGE_THREADS, 'moving a thread');
      const target = await openWaddle(context, params.waddle, { channelId: moveTo });
      target.access.require(Permission.MANAGE_THREADS, 'moving a thread into a channel');
      requirePostableChannel(target.access, target.channel, 'starting a thread');
      if (target.channel.thread_mode === 'disabled') throw badRequest('threads_disabled', 'the target channel has no threads');
    }
    const changes = { title: body.title, is_locked: body.locked === undefined ? null : body.locked ? 1 : 0 } as const;
    try {
      const moved =
        moveTo === undefined ? undefined : await moveShardedThread(access.sharded, thread.id, { ...changes, channel_id: moveTo });
      const updated = moved ? moved.thread : await storeThread(access.database, thread.id, changes);
      // Deleted meanwhile by another request: as if it had not been found.
      if (!updated) throw notFound('thread');
      const resourceId = `${access.waddle.id}:${thread.id}`;
      if (body.locked !== undefined)
        await auditQuery(context, { action: body.locked ? 'thread.lock' : 'thread.unlock', resourceType: 'thread', resourceId }).execute();
      if (moveTo !== undefined && moveTo !== thread.channel_id)
        await auditQuery(context, {
          action: 'thread.move',
          resourceType: 'thread',
          resourceId,
          metadata: { fromChannelId: thread.channel_id, toChannelId: moveTo },
        }).execute();
      if (moved && moved.unmovedShards.length > 0)
        throw new ApiError(
          503,
          'thread_move_incomplete',
          'the thread moved, but a message shard did not take the move yet; send the same request again',
          { 'Retry-After': '1' },
        );
      return c.json(threadJson(updated), 200);
    } catch (error) {
      if (titleTaken(error)) throw conflict('thread_exists', 'a thread with this title exists in the channel');
      throw error;
    }
  });
