import { addReaction as insertReaction } from '@waddle/queries/reactions/add-reaction';
import { removeReaction as deleteReaction } from '@waddle/queries/reactions/remove-reaction';
import { Permission } from '../access/permissions.ts';
import { openWaddle } from '../access/waddle-access.ts';
import { notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';

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
export const addReaction = route({
  method: 'PUT',
  path: '/v1/waddles/{waddle}/messages/{message}/reactions/{emoji}',
  tag: 'messages',
  summary: 'React to a message',
  status: 204,
  async handle({ params }, context) {
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    if (message.is_deleted) throw notFound('message');
    access.require(Permission.ADD_REACTIONS, 'reacting');
    await insertReaction(access.database, {
      messageId: message.id,
      emoji: params.emoji,
      userId: context.caller.id,
      createdAt: context.now,
    });
  },
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
export const removeReaction = route({
  method: 'DELETE',
  path: '/v1/waddles/{waddle}/messages/{message}/reactions/{emoji}',
  tag: 'messages',
  summary: "Remove one's reaction",
  status: 204,
  async handle({ params }, context) {
    const { access, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    const removed = await deleteReaction(access.database, { messageId: message.id, emoji: params.emoji, userId: context.caller.id });
    if (!removed) throw notFound('reaction');
  },
});
