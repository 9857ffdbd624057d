import { createRoute, z } from '@hono/zod-openapi';
import { listMessageEdits } from '@waddle/queries/messages/list-message-edits';
import { shardOf } from '@waddle/queries/shards/sharded-waddle';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { decodeIdCursor, idPage } from '../http/id-cursor.ts';
import { errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED } from '../http/route-middleware.ts';
import { cursor, pathId, queryCount } from '../http/schemas.ts';

/**
 * `GET /v1/waddles/{waddle}/messages/{message}/edits?limit=&cursor=`: the edit history of a live
 * message of a channel the caller sees, oldest first (`limit` 1 to 100, default 50), each edit with
 * the text it replaced. Its author reads it; anyone else needs MANAGE_MESSAGES (403
 * `missing_permission`), as the text a member took back is theirs and a moderator's to see. A
 * tombstoned message answers 404 like an unknown one: its history went with its content (deleted by
 * the schema's trigger, and so by an erasure), and nothing of it is left to show.
 *
 * ```sql
 * -- openWaddle reads the message with its channel; then listMessageEdits:
 * SELECT id, previous_content, edited_at FROM message_edits WHERE message_id = ? AND id > ? ORDER BY id LIMIT ?   -- message_edits_by_message
 * ```
 */
export const listMessageEditsRoute = createRoute({
  operationId: 'listMessageEdits',
  method: 'get',
  path: '/v1/waddles/{waddle}/messages/{message}/edits',
  tags: ['messages'],
  summary: "A message's edit history",
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId, message: pathId }),
    query: z.strictObject({ limit: queryCount(1, 100).optional(), cursor: cursor.optional() }),
  },
  responses: {
    200: jsonAnswer(
      z.strictObject({
        messageId: z.int(),
        edits: z.array(
          z.strictObject({
            previousContent: z.string().nullable().openapi({ description: 'The text this edit replaced' }),
            editedAt: z.int(),
          }),
        ),
        nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; `null` on the last page' }),
      }),
      'A page of the edits, oldest first',
    ),
    ...errorAnswers(IN_WADDLE_ERRORS, {
      403: "Banned, or reading another member's edit history without MANAGE_MESSAGES (`missing_permission`)",
      404: 'No such waddle or message, a message in a channel the caller cannot see, or a deleted message',
    }),
  },
});

/** The edit history route. */
export const messageEdits = routeGroup().openapi(listMessageEditsRoute, async (c) => {
  const params = c.req.valid('param');
  const query = c.req.valid('query');
  const limit = query.limit ?? 50;
  const afterId = query.cursor === undefined ? undefined : decodeIdCursor(query.cursor);
  const context = await c.var.requestContext(params.waddle);
  const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
  if (message.is_deleted) throw notFound('message');
  if (message.user_id !== context.caller.id) access.require(Permission.MANAGE_MESSAGES, "reading another member's edit history");
  const { page, nextCursor } = idPage(
    await listMessageEdits(shardOf(access.sharded, message.id), { messageId: message.id, limit: limit + 1, afterId }),
    limit,
  );
  return c.json(
    {
      messageId: message.id,
      edits: page.map((edit) => ({ previousContent: edit.previous_content, editedAt: edit.edited_at })),
      nextCursor,
    },
    200,
  );
});
