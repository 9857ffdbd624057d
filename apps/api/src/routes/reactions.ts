import { createRoute, z } from '@hono/zod-openapi';
import { addReaction as insertReaction } from '@waddle/queries/reactions/add-reaction';
import { removeReaction as deleteReaction } from '@waddle/queries/reactions/remove-reaction';
import { shardOf } from '@waddle/queries/shards/sharded-waddle';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { reactionEmojiViolation, storedReactionViolation } from '../http/reaction-emoji.ts';
import { errorAnswers, IN_WADDLE_ERRORS } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, NO_QUERY } from '../http/route-middleware.ts';
import { API_CODE, pathId } from '../http/schemas.ts';

/** A reaction's emoji in a path, refused with `invalid_text` when `violation` finds something wrong with it. */
function emojiParameter(violation: (emoji: string) => string | null, description: string) {
  return z
    .string()
    .superRefine((emoji, context) => {
      const problem = violation(emoji);
      if (problem !== null) context.addIssue({ code: 'custom', message: problem, params: { [API_CODE]: 'invalid_text' } });
    })
    .openapi({ minLength: 1, maxLength: 64, description });
}

/**
 * `PUT /v1/waddles/{waddle}/messages/{message}/reactions/{emoji}` (ADD_REACTIONS): the caller
 * reacts with `emoji`: one emoji or a custom emoji id `:name:` (see `reactionEmojiViolation`; anything
 * else is a 400 `invalid_text` before any database is touched), stored as given; reacting twice
 * changes nothing.
 *
 * ```sql
 * INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
 * ```
 */
export const addReaction = createRoute({
  operationId: 'addReaction',
  method: 'put',
  path: '/v1/waddles/{waddle}/messages/{message}/reactions/{emoji}',
  tags: ['messages'],
  summary: 'React to a message',
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({
      waddle: pathId,
      message: pathId,
      emoji: emojiParameter(reactionEmojiViolation, 'One emoji (RGI, fully qualified) or a custom emoji id :name:'),
    }),
    query: NO_QUERY,
  },
  responses: { 204: { description: 'The caller reacts with the emoji (also when they already did)' }, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/**
 * `DELETE /v1/waddles/{waddle}/messages/{message}/reactions/{emoji}`: removes the caller's own
 * reaction (404 when they had none). Any reaction that may be stored is accepted here, including
 * ones from before reactions were restricted to emoji.
 *
 * ```sql
 * DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING message_id
 * ```
 */
export const removeReaction = createRoute({
  operationId: 'removeReaction',
  method: 'delete',
  path: '/v1/waddles/{waddle}/messages/{message}/reactions/{emoji}',
  tags: ['messages'],
  summary: "Remove one's reaction",
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({
      waddle: pathId,
      message: pathId,
      emoji: emojiParameter(storedReactionViolation, 'The reaction as stored (any single-line text without spaces)'),
    }),
    query: NO_QUERY,
  },
  responses: { 204: { description: "The caller's reaction is removed" }, ...errorAnswers(IN_WADDLE_ERRORS) },
});

/** The reaction routes. */
export const reactions = routeGroup()
  .openapi(addReaction, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    access.require(Permission.ADD_REACTIONS, 'reacting');
    await insertReaction(shardOf(access.sharded, message.id), {
      messageId: message.id,
      emoji: params.emoji,
      userId: context.caller.id,
      createdAt: context.now,
    });
    return c.body(null, 204);
  })
  .openapi(removeReaction, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    const removed = await deleteReaction(shardOf(access.sharded, message.id), {
      messageId: message.id,
      emoji: params.emoji,
      userId: context.caller.id,
    });
    if (!removed) throw notFound('reaction');
    return c.body(null, 204);
  });
