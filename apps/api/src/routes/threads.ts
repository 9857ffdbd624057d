import { getActiveThreads } from '@waddle/queries/threads/active-threads';
import { createThread as insertThread } from '@waddle/queries/threads/create-thread';
import type { ThreadRow } from '@waddle/queries/threads/thread-row';
import { updateThread as storeThread } from '@waddle/queries/threads/update-thread';
import { z } from 'zod';
import { Permission } from '../access/permissions.ts';
import { requirePostableChannel } from '../access/require-postable-channel.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { auditQuery } from '../audit/audit-log.ts';
import { badRequest, conflict, notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import { patchOf, queryCount, singleLine } from '../http/schemas.ts';

function threadJson(thread: ThreadRow) {
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

/**
 * `GET /v1/waddles/{waddle}/channels/{channel}/threads?sort=active&limit=`: the channel's threads
 * by latest activity, each with its message count and its messages of the last 24 hours. See
 * `getActiveThreads` for the SQL.
 */
export const listThreads = route({
  method: 'GET',
  path: '/v1/waddles/{waddle}/channels/{channel}/threads',
  tag: 'threads',
  summary: 'Threads of a channel by activity',
  query: z.strictObject({ sort: z.enum(['active']).optional(), limit: queryCount(1, 100).optional() }),
  async handle({ params, query }, context) {
    const { access, channel } = await openWaddle(context, params.waddle, { channelId: params.channel });
    const threads = await getActiveThreads(access.database, { channelId: channel.id, limit: query.limit ?? 25, now: context.now });
    return { threads: threads.map((thread) => ({ ...thread, channelId: channel.id })) };
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
export const createThread = route({
  method: 'POST',
  path: '/v1/waddles/{waddle}/channels/{channel}/threads',
  tag: 'threads',
  summary: 'Start a thread',
  status: 201,
  body: z.strictObject({ title: singleLine(1, 200) }),
  async handle({ params, body }, context) {
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
      return threadJson(thread);
    } catch (error) {
      if (titleTaken(error)) throw conflict('thread_exists', 'a thread with this title exists in the channel');
      throw error;
    }
  },
});

/**
 * `PATCH /v1/waddles/{waddle}/threads/{thread}`: rename (its creator, or MANAGE_THREADS), lock or
 * unlock (MANAGE_THREADS; recorded in the audit log).
 *
 * ```sql
 * UPDATE threads SET title = coalesce(?, title), is_locked = coalesce(?, is_locked) WHERE id = ? RETURNING *
 * ```
 */
export const updateThread = route({
  method: 'PATCH',
  path: '/v1/waddles/{waddle}/threads/{thread}',
  tag: 'threads',
  summary: 'Rename, lock or unlock a thread',
  body: patchOf({ title: singleLine(1, 200), locked: z.boolean() }),
  async handle({ params, body }, context) {
    const { access, thread } = await openWaddle(context, params.waddle, { threadId: params.thread });
    if (body.locked !== undefined) access.require(Permission.MANAGE_THREADS, 'locking a thread');
    if (body.title !== undefined && thread.created_by !== context.caller.id)
      access.require(Permission.MANAGE_THREADS, "renaming another member's thread");
    try {
      const updated = await storeThread(access.database, thread.id, {
        title: body.title,
        is_locked: body.locked === undefined ? null : body.locked ? 1 : 0,
      });
      // Deleted meanwhile by another request: as if it had not been found.
      if (!updated) throw notFound('thread');
      if (body.locked !== undefined) {
        await auditQuery(context, {
          action: body.locked ? 'thread.lock' : 'thread.unlock',
          resourceType: 'thread',
          resourceId: `${access.waddle.id}:${thread.id}`,
        }).execute();
      }
      return threadJson(updated);
    } catch (error) {
      if (titleTaken(error)) throw conflict('thread_exists', 'a thread with this title exists in the channel');
      throw error;
    }
  },
});
