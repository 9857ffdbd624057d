import { deleteMessage } from '@waddle/queries/messages/delete-message';
import { editMessage } from '@waddle/queries/messages/edit-message';
import { postMessage, SlowModeError } from '@waddle/queries/messages/post-message';
import { getMessagePage, type MessageScope, type PageAnchor } from '@waddle/queries/pagination/message-page';
import { liveMessageText } from '@waddle/queries/messages/live-message-text';
import { pinnedMessages } from '@waddle/queries/messages/pinned-messages';
import { readReplyTargets } from '@waddle/queries/messages/reply-targets';
import { setPinned } from '@waddle/queries/messages/set-pinned';
import { slowModeLastPostAt } from '@waddle/queries/messages/slow-mode-clock';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import { z } from 'zod';
import { Permission } from '../access/permissions.ts';
import { requirePostableChannel } from '../access/require-postable-channel.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { ApiError, badRequest, forbidden, notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { cursor, id, messageContent, queryCount } from '../http/schemas.ts';

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
 * A page of a channel or thread (see `getMessagePage`). Without `before` and `after`: 50 older
 * than `newest`, 50 newer than `oldest`, 25 each side of a message id or of the first unread.
 * With a `cursor`, say which way: `before` with `olderCursor`, `after` with `newerCursor`.
 */
async function readPage(database: WaddleDatabase, scope: MessageScope, query: z.infer<typeof pageQuery>, viewerId: number) {
  const anchor: PageAnchor =
    query.anchor === undefined ? 'newest' : /^\d+$/.test(query.anchor) ? Number(query.anchor) : (query.anchor as PageAnchor);
  let { before, after } = query;
  if (before === undefined && after === undefined) {
    if (query.cursor !== undefined) throw badRequest('invalid_query', 'with a cursor, give before (olderCursor) or after (newerCursor)');
    if (anchor === 'newest') before = 50;
    else if (anchor === 'oldest') after = 50;
    else [before, after] = [25, 25];
  }
  return getMessagePage(database, scope, { anchor, before, after, cursor: query.cursor ?? null, viewerId });
}

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/messages?anchor=&before=&after=&cursor=`: a page of
 * a visible channel, oldest first, with reactions, attachments and replies; tombstones included
 * as placeholders. One statement; see `getMessagePage` for its SQL.
 */
export const listChannelMessages = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/channels/{channel}/messages',
  tag: 'messages',
  summary: 'A page of messages of a channel',
  query: pageQuery,
  async handle({ params, query }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    return readPage(access.database, { channelId: channel.id }, query, context.caller.id);
  },
});

/** `GET /v1/waddles/{waddle}/threads/{thread}/messages`: the same for a thread of a visible channel. */
export const listThreadMessages = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/threads/{thread}/messages',
  tag: 'messages',
  summary: 'A page of messages of a thread',
  query: pageQuery,
  async handle({ params, query }, context) {
    const { access, thread } = await openWaddle(context, params.waddle, { threadId: params.thread });
    return readPage(access.database, { threadId: thread.id }, query, context.caller.id);
  },
});

/**
 * `POST /v1/waddles/{waddle}/channels/{channel}/messages` (SEND_MESSAGES): posts `content`, in
 * `threadId` (a thread of this channel; required or refused by the channel's thread mode; not a
 * locked one without MANAGE_THREADS) and replying to `replyToId` (a live message of this channel).
 * The channel's type and state decide whether anything is posted (see `requirePostableChannel`:
 * none in voice channels, MANAGE_MESSAGES in announcement channels, none once archived); slow mode is enforced per user and channel (429 with
 * `Retry-After`) except for MANAGE_MESSAGES. See `postMessage` for the SQL.
 *
 * ```sql
 * SELECT id, channel_id, is_locked FROM threads WHERE id = ?;              -- with threadId
 * SELECT id, channel_id, is_deleted FROM messages WHERE id = ?;            -- with replyToId
 * SELECT last_message_at FROM slow_mode_clocks WHERE channel_id = ? AND user_id = ?;  -- after a slow-mode refusal
 * ```
 */
export const postChannelMessage = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/channels/{channel}/messages',
  tag: 'messages',
  summary: 'Post a message',
  status: 201,
  body: z.strictObject({ content: messageContent, threadId: id.nullable().optional(), replyToId: id.nullable().optional() }),
  async handle({ params, body }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    access.require(Permission.SEND_MESSAGES, 'posting');
    requirePostableChannel(access, channel, 'posting');
    const threadId = body.threadId ?? null;
    if (channel.thread_mode === 'required' && threadId === null)
      throw badRequest('thread_required', 'this channel needs a threadId for every message');
    if (channel.thread_mode === 'disabled' && threadId !== null) throw badRequest('threads_disabled', 'this channel has no threads');
    if (threadId !== null || body.replyToId != null) {
      const { thread, repliedTo: replied } = await readReplyTargets(access.database, { threadId, replyToId: body.replyToId ?? null });
      if (threadId !== null && (!thread || thread.channel_id !== channel.id)) throw notFound('thread');
      if (thread?.is_locked && !access.has(Permission.MANAGE_THREADS)) throw forbidden('thread_locked', 'the thread is locked');
      if (body.replyToId != null && (!replied || replied.channel_id !== channel.id || replied.is_deleted))
        throw notFound('replied message');
    }
    const enforceSlowMode = channel.slow_mode_seconds > 0 && !access.has(Permission.MANAGE_MESSAGES);
    try {
      const posted = await postMessage(
        access.database,
        {
          channelId: channel.id,
          threadId,
          authorId: context.caller.id,
          content: body.content,
          replyToId: body.replyToId ?? null,
          createdAt: context.now,
        },
        { enforceSlowMode },
      );
      return {
        id: posted.id,
        channelId: channel.id,
        threadId,
        authorId: context.caller.id,
        content: body.content,
        replyToId: body.replyToId ?? null,
        createdAt: posted.createdAt,
      };
    } catch (error) {
      if (!(error instanceof SlowModeError)) throw error;
      const lastPostAt = await slowModeLastPostAt(access.database, channel.id, context.caller.id);
      const waitMs = Math.max(1, (lastPostAt ?? context.now) + channel.slow_mode_seconds * 1000 - context.now);
      throw new ApiError(429, 'slow_mode', `slow mode: wait ${Math.ceil(waitMs / 1000)} s before posting in this channel again`, {
        'Retry-After': String(Math.ceil(waitMs / 1000)),
      });
    }
  },
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
export const editMessageRoute = route({
  method: 'PATCH',
  path: '/v1/waddles/{waddle}/messages/{message}',
  tag: 'messages',
  summary: "Edit one's own message",
  body: z.strictObject({ content: messageContent }),
  async handle({ params, body }, context) {
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    if (message.user_id !== context.caller.id) throw forbidden('not_author', 'only the author can edit a message');
    access.require(Permission.SEND_MESSAGES, 'editing');
    const edited = await editMessage(access.database, { messageId: message.id, content: body.content, editedAt: context.now });
    if (edited) return { id: message.id, content: body.content, editedAt: context.now };
    // Nothing changed: the message already had this text, or it was deleted meanwhile.
    const current = await liveMessageText(access.database, message.id);
    if (current === undefined || current.content !== body.content) throw notFound('message');
    return { id: message.id, content: current.content, editedAt: current.edited_at };
  },
});

/**
 * `DELETE /v1/waddles/{waddle}/messages/{message}`: the author, or MANAGE_MESSAGES (recorded in
 * the audit log), deletes a message; it stays as a tombstone (see `deleteMessage`).
 */
export const deleteMessageRoute = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/messages/{message}',
  tag: 'messages',
  summary: 'Delete a message',
  status: 204,
  async handle({ params }, context) {
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    const byModerator = message.user_id !== context.caller.id;
    if (byModerator) access.require(Permission.MANAGE_MESSAGES, "deleting another member's message");
    await deleteMessage(access.database, message.id);
    if (byModerator) {
      await auditQuery(context, {
        action: 'message.delete',
        resourceType: 'message',
        resourceId: `${access.waddle.id}:${message.id}`,
        metadata: { authorId: message.user_id, channelId: message.channel_id },
      }).execute();
    }
  },
});

function pinRoute(method: 'PUT' | 'DELETE') {
  const pinned = method === 'PUT';
  return route({
    method,
    path: '/v1/waddles/{waddle}/messages/{message}/pin',
    tag: 'messages',
    summary: method === 'PUT' ? 'Pin a message' : 'Unpin a message',
    status: 204,
    async handle({ params }, context) {
      const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
      if (message.is_deleted) throw notFound('message');
      access.require(Permission.MANAGE_MESSAGES, 'pinning');
      await setPinned(access.database, message.id, pinned);
      await auditQuery(context, {
        action: pinned ? 'message.pin' : 'message.unpin',
        resourceType: 'message',
        resourceId: `${access.waddle.id}:${message.id}`,
      }).execute();
    },
  });
}

/**
 * `PUT` / `DELETE /v1/waddles/{waddle}/messages/{message}/pin` (MANAGE_MESSAGES).
 *
 * ```sql
 * UPDATE messages SET is_pinned = ? WHERE id = ? AND is_deleted = 0
 * ```
 */
export const pinMessage = pinRoute('PUT');
export const unpinMessage = pinRoute('DELETE');

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/pins`: the pinned messages of a channel, newest first.
 *
 * ```sql
 * SELECT id, thread_id, user_id, content, created_at, edited_at FROM messages
 * WHERE channel_id = ? AND is_pinned = 1 ORDER BY id DESC LIMIT 100   -- index messages_pinned
 * ```
 */
export const listPins = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/channels/{channel}/pins',
  tag: 'messages',
  summary: 'Pinned messages of a channel',
  async handle({ params }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    return {
      messages: (await pinnedMessages(access.database, channel.id)).map((m) => ({
        id: m.id,
        threadId: m.thread_id,
        authorId: m.user_id,
        content: m.content,
        createdAt: m.created_at,
        editedAt: m.edited_at,
      })),
    };
  },
});
