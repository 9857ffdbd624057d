import { createRoute, z } from '@hono/zod-openapi';
import { deleteQueuedObjects } from '@waddle/attachment-store/delete-queued-objects';
import { editMessage } from '@waddle/queries/messages/edit-message';
import { SlowModeError } from '@waddle/queries/messages/post-message';
import type { MessageScope, PageAnchor } from '@waddle/queries/pagination/message-page';
import { liveMessageText } from '@waddle/queries/messages/live-message-text';
import { readReplyTargets } from '@waddle/queries/messages/reply-targets';
import { setPinned } from '@waddle/queries/messages/set-pinned';
import { slowModeLastPostAt } from '@waddle/queries/messages/slow-mode-clock';
import { deleteShardedMessage } from '@waddle/queries/shards/delete-sharded-message';
import { getShardedMessagePage } from '@waddle/queries/shards/sharded-message-page';
import { shardedPinnedMessages } from '@waddle/queries/shards/sharded-pinned-messages';
import { type ShardedWaddle, shardOf } from '@waddle/queries/shards/sharded-waddle';
import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import { mentionAuthority } from '../access/mention-authority.ts';
import { Permission } from '../access/permissions.ts';
import { requirePostableChannel } from '../access/require-postable-channel.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { cursor, id, messageContent, pathId, queryCount } from '../http/schemas.ts';
import { messagePageBody } from './message-page-body.ts';
import { postIntoNewestShard } from './post-into-newest-shard.ts';

const pageQuery = z.strictObject({
  anchor: z
    .union([
      z.enum(['newest', 'oldest', 'first_unread']),
      z.string().regex(/^[1-9][0-9]{0,15}$/, 'must be newest, oldest, first_unread or a message id'),
    ])
    .optional(),
  before: queryCount(0, 100).optional(),
  after: queryCount(0, 100).optional(),
  cursor: cursor.optional(),
});

/**
 * A page of a channel or thread (see `getShardedMessagePage`: `getMessagePage` itself for a waddle
 * of one database). Without `before` and `after`: 50 older than `newest`, 50 newer than `oldest`,
 * 25 each side of a message id or of the first unread. With a `cursor`, say which way: `before`
 * with `olderCursor`, `after` with `newerCursor`.
 */
async function readPage(
  sharded: ShardedWaddle,
  scope: MessageScope,
  query: z.infer<typeof pageQuery>,
  viewerId: number,
): Promise<z.infer<typeof messagePageBody>> {
  const anchor: PageAnchor =
    query.anchor === undefined ? 'newest' : /^\d+$/.test(query.anchor) ? Number(query.anchor) : (query.anchor as PageAnchor);
  let { before, after } = query;
  if (before === undefined && after === undefined) {
    if (query.cursor !== undefined) throw badRequest('invalid_query', 'with a cursor, give before (olderCursor) or after (newerCursor)');
    if (anchor === 'newest') before = 50;
    else if (anchor === 'oldest') after = 50;
    else [before, after] = [25, 25];
  }
  return getShardedMessagePage(sharded, scope, { anchor, before, after, cursor: query.cursor ?? null, viewerId });
}

/**
 * The thread a message goes into (read in the primary) and the message it replies to (read in its
 * shard): one `readReplyTargets` batch for a waddle of one database, two in parallel otherwise.
 */
async function replyTargets(sharded: ShardedWaddle, threadId: number | null, replyToId: number | null) {
  const replyShard = replyToId === null ? sharded.primary : shardOf(sharded, replyToId);
  if (replyShard === sharded.primary) return readReplyTargets(sharded.primary, { threadId, replyToId });
  const [{ thread }, { repliedTo }] = await Promise.all([
    readReplyTargets(sharded.primary, { threadId, replyToId: null }),
    readReplyTargets(replyShard, { threadId: null, replyToId }),
  ]);
  return { thread, repliedTo };
}

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/messages?anchor=&before=&after=&cursor=`: a page of
 * a visible channel, oldest first, with reactions, attachments and replies; tombstones included
 * as placeholders. One statement; see `getMessagePage` for its SQL. Over message shards
 * (docs/message-shards.md) the page is the same, drawn from the shard of its anchor and its
 * neighbours when it crosses a boundary (`getShardedMessagePage`).
 */
export const listChannelMessages = createRoute({
  operationId: 'listChannelMessages',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/messages',
  tags: ['messages'],
  summary: 'A page of messages of a channel',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, channel: pathId }), query: pageQuery },
  responses: { 200: jsonAnswer(messagePageBody, 'A page of the channel, oldest first'), ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** `GET /v1/waddles/{waddle}/threads/{thread}/messages`: the same for a thread of a visible channel. */
export const listThreadMessages = createRoute({
  operationId: 'listThreadMessages',
  method: 'get',
  path: '/v1/waddles/{waddle}/threads/{thread}/messages',
  tags: ['messages'],
  summary: 'A page of messages of a thread',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, thread: pathId }), query: pageQuery },
  responses: { 200: jsonAnswer(messagePageBody, 'A page of the thread, oldest first'), ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** A message as posting it answers. */
const postedMessageBody = z.strictObject({
  id: z.int(),
  channelId: z.int(),
  threadId: z.int().nullable(),
  authorId: z.int(),
  content: z.string(),
  replyToId: z.int().nullable(),
  createdAt: z.int(),
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/messages` (SEND_MESSAGES): posts `content`, in
 * `threadId` (a thread of this channel; required or refused by the channel's thread mode; not a
 * locked one without MANAGE_THREADS) and replying to `replyToId` (a live message of this channel).
 * The channel's type and state decide whether anything is posted (see `requirePostableChannel`:
 * none in voice channels, MANAGE_MESSAGES in announcement channels, none once archived); slow mode is enforced per user and channel (429 with
 * `Retry-After`) except for MANAGE_MESSAGES. See `postMessage` for the SQL. In a waddle with
 * message shards the message goes to the newest shard (`postIntoNewestShard`: retried on a map
 * read again when a switch sealed it meanwhile; a reply only to a message of that shard; when its
 * second step fails, the drift check of that post runs after the answer, in `ctx.waitUntil`).
 *
 * ```sql
 * SELECT id, channel_id, is_locked FROM threads WHERE id = ?;              -- with threadId (the primary)
 * SELECT id, channel_id, is_deleted FROM messages WHERE id = ?;            -- with replyToId (its shard)
 * SELECT last_message_at FROM slow_mode_clocks WHERE channel_id = ? AND user_id = ?;  -- after a slow-mode refusal
 * ```
 */
export const postChannelMessage = createRoute({
  operationId: 'postChannelMessage',
  method: 'post',
  path: '/v1/waddles/{waddle}/channels/{channel}/messages',
  tags: ['messages'],
  summary: 'Post a message',
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, channel: pathId }),
    query: NO_QUERY,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({ content: messageContent, threadId: id.nullable().optional(), replyToId: id.nullable().optional() }),
        },
      },
    },
  },
  responses: {
    201: jsonAnswer(postedMessageBody, 'The message, posted'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS, 429], {
      400: 'Invalid input, a channel that takes no messages (`channel_type_refuses_messages`), a thread required (`thread_required`) or refused (`threads_disabled`) by the channel',
      403: 'Banned, lacking SEND_MESSAGES (or MANAGE_MESSAGES in an announcement channel), an archived channel (`channel_archived`) or a locked thread (`thread_locked`)',
      429: 'Slow mode (`slow_mode`): the caller posted in this channel less than its `slowModeSeconds` ago; `Retry-After` says how many seconds to wait',
      503: "A database cannot be reached (`waddle_unavailable`), or the waddle is opening a new message shard and the post was refused by the old one's fence on every retry (`shard_switching`, `Retry-After: 1`; nothing was posted)",
    }),
  },
});

/** A message after an edit. */
const editedMessageBody = z.strictObject({
  id: z.int(),
  content: z.string(),
  editedAt: z.int().nullable().openapi({ description: 'Its last real edit; `null` when it was never edited' }),
});

/**
 * `PATCH /v1/waddles/{waddle}/messages/{message}`: the author edits their message (the previous
 * text goes to the edit history; see `editMessage`). An edit to the text the message already has
 * is a success that changes nothing: 200 with the message as it is (`editedAt` of its last real
 * edit, `null` if none), no edit recorded.
 *
 * ```sql
 * SELECT content, edited_at FROM messages WHERE id = ? AND is_deleted = 0;   -- only when editMessage changed nothing
 * ```
 */
export const editMessageRoute = createRoute({
  operationId: 'editMessage',
  method: 'patch',
  path: '/v1/waddles/{waddle}/messages/{message}',
  tags: ['messages'],
  summary: "Edit one's own message",
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, message: pathId }),
    query: NO_QUERY,
    body: { required: true, content: { 'application/json': { schema: z.strictObject({ content: messageContent }) } } },
  },
  responses: {
    200: jsonAnswer(editedMessageBody, 'The message with its text (also when it already had this text: no edit is recorded)'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], { 403: 'Banned, not the author (`not_author`), or lacking SEND_MESSAGES' }),
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/messages/{message}`: the author, or MANAGE_MESSAGES (recorded in
 * the audit log), deletes a message; it stays as a tombstone (see `deleteMessage`). Its attachment
 * rows go with it, which queues their objects (`attachment_object_deletions`); the objects queued in
 * this waddle are then deleted from the attachment bucket (`deleteQueuedObjects`, 100 at most). An
 * R2 failure there is logged and leaves them queued for the next deletion: the message is deleted.
 */
export const deleteMessageRoute = createRoute({
  operationId: 'deleteMessage',
  method: 'delete',
  path: '/v1/waddles/{waddle}/messages/{message}',
  tags: ['messages'],
  summary: 'Delete a message',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, message: pathId }), query: NO_QUERY },
  responses: { 204: { description: 'The message is deleted (a tombstone stays in its place)' }, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** `PUT` or `DELETE /v1/waddles/{waddle}/messages/{message}/pin`. */
function pinRoute(method: 'put' | 'delete') {
  return createRoute({
    operationId: method === 'put' ? 'pinMessage' : 'unpinMessage',
    method,
    path: '/v1/waddles/{waddle}/messages/{message}/pin',
    tags: ['messages'],
    summary: method === 'put' ? 'Pin a message' : 'Unpin a message',
    middleware: AUTHENTICATED,
    request: { params: z.strictObject({ waddle: pathId, message: pathId }), query: NO_QUERY },
    responses: {
      204: { description: method === 'put' ? 'The message is pinned' : 'The message is not pinned' },
      ...errorAnswers(IN_WADDLE_ERRORS),
    },
  });
}

/**
 * `PUT` / `DELETE /v1/waddles/{waddle}/messages/{message}/pin` (MANAGE_MESSAGES), recorded in the audit log.
 *
 * ```sql
 * UPDATE messages SET is_pinned = ? WHERE id = ? AND is_deleted = 0
 * ```
 */
export const pinMessage = pinRoute('put');
export const unpinMessage = pinRoute('delete');

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/pins`: the pinned messages of a channel, newest first.
 *
 * ```sql
 * SELECT id, thread_id, user_id, content, created_at, edited_at FROM messages
 * WHERE channel_id = ? AND is_pinned = 1 ORDER BY id DESC LIMIT 100   -- index messages_pinned
 * ```
 */
export const listPins = createRoute({
  operationId: 'listPins',
  method: 'get',
  path: '/v1/waddles/{waddle}/channels/{channel}/pins',
  tags: ['messages'],
  summary: 'Pinned messages of a channel',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, channel: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        messages: z.array(
          z.strictObject({
            id: z.int(),
            threadId: z.int().nullable(),
            authorId: z.int(),
            content: z.string().nullable(),
            createdAt: z.int(),
            editedAt: z.int().nullable(),
          }),
        ),
      }),
      'The pinned messages, newest first (at most 100)',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS),
  },
});

/** Pins and unpins (`pinMessage`, `unpinMessage`). */
const pinning = (pinned: boolean) =>
  routeGroup().openapi(pinned ? pinMessage : unpinMessage, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    access.require(Permission.MANAGE_MESSAGES, 'pinning');
    await setPinned(shardOf(access.sharded, message.id), message.id, pinned);
    await auditQuery(context, {
      action: pinned ? 'message.pin' : 'message.unpin',
      resourceType: 'message',
      resourceId: `${access.waddle.id}:${message.id}`,
    }).execute();
    return c.body(null, 204);
  });

/** The message routes: pages of channels and threads, posting, editing, deleting, pins. */
export const messages = routeGroup()
  .openapi(listChannelMessages, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    return c.json(await readPage(access.sharded, { channelId: channel.id }, c.req.valid('query'), context.caller.id), 200);
  })
  .openapi(listThreadMessages, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, thread } = await openWaddle(context, params.waddle, { threadId: params.thread });
    return c.json(await readPage(access.sharded, { threadId: thread.id }, c.req.valid('query'), context.caller.id), 200);
  })
  .openapi(postChannelMessage, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.SEND_MESSAGES, 'posting');
    requirePostableChannel(access, channel, 'posting');
    const threadId = body.threadId ?? null;
    if (channel.thread_mode === 'required' && threadId === null)
      throw badRequest('thread_required', 'this channel needs a threadId for every message');
    if (channel.thread_mode === 'disabled' && threadId !== null) throw badRequest('threads_disabled', 'this channel has no threads');
    if (threadId !== null || body.replyToId != null) {
      const { thread, repliedTo: replied } = await replyTargets(access.sharded, threadId, body.replyToId ?? null);
      if (threadId !== null && (!thread || thread.channel_id !== channel.id)) throw notFound('thread');
      if (thread?.is_locked && !access.has(Permission.MANAGE_THREADS)) throw forbidden('thread_locked', 'the thread is locked');
      if (body.replyToId != null && (!replied || replied.channel_id !== channel.id || replied.is_deleted))
        throw notFound('replied message');
    }
    const enforceSlowMode = channel.slow_mode_seconds > 0 && !access.has(Permission.MANAGE_MESSAGES);
    try {
      const posted = await postIntoNewestShard(
        context,
        access,
        {
          channelId: channel.id,
          threadId,
          authorId: context.caller.id,
          content: body.content,
          replyToId: body.replyToId ?? null,
          createdAt: context.now,
          mentionAuthority: await mentionAuthority(context, access, body.content),
        },
        {
          enforceSlowMode,
          waitUntil: (work) => c.executionCtx.waitUntil(work),
          repairFailed: (error) =>
            logUnexpectedError(
              "the immediate repair of a post's failed second step failed too (the periodic drift pass repairs it)",
              { worker: 'waddle-api', route: 'POST /v1/waddles/{waddle}/channels/{channel}/messages', requestId: requestIdOf(c.req.raw) },
              error,
            ),
        },
      );
      if (!posted.activityRecorded)
        logUnexpectedError(
          "posted into a message shard, the primary's activity not recorded (repaired after the answer, else by the drift pass)",
          { worker: 'waddle-api', route: 'POST /v1/waddles/{waddle}/channels/{channel}/messages', requestId: requestIdOf(c.req.raw) },
          new Error(
            `message ${posted.id} of waddle ${access.waddle.id}: channel ${channel.id} and thread ${threadId} counters and follows lag`,
          ),
        );
      return c.json(
        {
          id: posted.id,
          channelId: channel.id,
          threadId,
          authorId: context.caller.id,
          content: body.content,
          replyToId: body.replyToId ?? null,
          createdAt: posted.createdAt,
        },
        201,
      );
    } catch (error) {
      if (!(error instanceof SlowModeError)) throw error;
      const lastPostAt = await slowModeLastPostAt(access.database, channel.id, context.caller.id);
      const waitMs = Math.max(1, (lastPostAt ?? context.now) + channel.slow_mode_seconds * 1000 - context.now);
      throw new ApiError(429, 'slow_mode', `slow mode: wait ${Math.ceil(waitMs / 1000)} s before posting in this channel again`, {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }
  })
  .openapi(editMessageRoute, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const context = await c.var.requestContext(params.waddle);
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    if (message.user_id !== context.caller.id) throw forbidden('not_author', 'only the author can edit a message');
    access.require(Permission.SEND_MESSAGES, 'editing');
    const shard = shardOf(access.sharded, message.id);
    const edited = await editMessage(shard, {
      messageId: message.id,
      content: body.content,
      editedAt: context.now,
      mentionAuthority: await mentionAuthority(context, access, body.content),
    });
    if (edited) return c.json({ id: message.id, content: body.content, editedAt: context.now }, 200);
    // Nothing changed: the message already had this text, or it was deleted meanwhile.
    const current = await liveMessageText(shard, message.id);
    if (current === undefined || current.content !== body.content) throw notFound('message');
    return c.json({ id: message.id, content: current.content, editedAt: current.edited_at }, 200);
  })
  .openapi(deleteMessageRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    const byModerator = message.user_id !== context.caller.id;
    if (byModerator) access.require(Permission.MANAGE_MESSAGES, "deleting another member's message");
    await deleteShardedMessage(access.sharded, message.id);
    await deleteQueuedObjects(shardOf(access.sharded, message.id), c.env.ATTACHMENTS, { limit: 100 }).catch((error: unknown) =>
      logUnexpectedError(
        'attachment objects not deleted',
        { worker: 'waddle-api', route: 'DELETE /v1/waddles/{waddle}/messages/{message}', requestId: requestIdOf(c.req.raw) },
        error,
      ),
    );
    if (byModerator) {
      await auditQuery(context, {
        action: 'message.delete',
        resourceType: 'message',
        resourceId: `${access.waddle.id}:${message.id}`,
        metadata: { authorId: message.user_id, channelId: message.channel_id },
      }).execute();
    }
    return c.body(null, 204);
  })
  .route('/', pinning(true))
  .route('/', pinning(false))
  .openapi(listPins, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    return c.json(
      {
        messages: (await shardedPinnedMessages(access.sharded, channel.id)).map((m) => ({
          id: m.id,
          threadId: m.thread_id,
          authorId: m.user_id,
          content: m.content,
          createdAt: m.created_at,
          editedAt: m.edited_at,
        })),
      },
      200,
    );
  });
