import { InvalidQueryError } from '../invalid-query-error.ts';
import { getMentionInbox, type InboxMention, type MentionInboxPage } from '../mentions/mention-inbox.ts';
import { decodeCursor, encodeCursor } from '../opaque-cursor.ts';
import { readPrimaryMentionViewer } from './primary-mention-viewer.ts';
import { type ShardedWaddle, shardIndexOf } from './sharded-waddle.ts';

/**
 * {@link getMentionInbox} over a waddle whose messages span shards: the same page and cursor one
 * database holding the same messages gives (a cursor of either works with the other). The
 * viewer's roles now come from the primary (one round trip, `readPrimaryMentionViewer`: a later
 * shard has no `member_roles`); then the shards newest first, from the one the cursor points
 * into, each with the single database's statement (`mentionInbox`, the roles given as a JSON
 * parameter) for what the page still needs, stopping when the page is full, as recent search
 * does. A page that ends on a shard's oldest mention asks the next shard for one more, to know
 * whether to give a cursor: one more round trip.
 *
 * ```sql
 * SELECT (SELECT json_group_array(role_id) FROM member_roles WHERE user_id = ?) AS role_ids, … ;   -- primary
 * SELECT m.id, …, <mentioned_as> FROM (<mentionsReaching, roles FROM json_each(?), before ?> ORDER BY message_id DESC LIMIT CAST(? AS INTEGER)) AS page
 * INNER JOIN messages AS m ON m.id = page.message_id;   -- each shard in turn, newest first
 * ```
 *
 * A waddle of one shard is served by {@link getMentionInbox} itself.
 *
 * @example
 * ```ts
 * const first = await getShardedMentionInbox(access.sharded, { userId: 42, visibleChannelIds: [1, 2] });
 * ```
 */
export async function getShardedMentionInbox(
  sharded: ShardedWaddle,
  options: { readonly userId: number; readonly visibleChannelIds: readonly number[]; readonly limit?: number; readonly cursor?: string },
): Promise<MentionInboxPage> {
  if (sharded.shards.length === 1) return getMentionInbox(sharded.primary, options);
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new InvalidQueryError('limit', 'must be an integer from 1 to 100');
  if (!Number.isSafeInteger(options.userId) || !options.visibleChannelIds.every(Number.isSafeInteger)) {
    throw new InvalidQueryError('visibleChannelIds', 'user and channel ids must be integers');
  }
  const before = options.cursor === undefined ? undefined : decodeCursor(options.cursor, { inboxBefore: 'number' }).inboxBefore;
  if (options.visibleChannelIds.length === 0) return { mentions: [], olderCursor: null };
  const { roleIds } = await readPrimaryMentionViewer(sharded.primary, options.userId, []);
  const mentions: InboxMention[] = [];
  const start = before === undefined ? sharded.shards.length - 1 : shardIndexOf(sharded, before - 1);
  for (let index = start; index >= 0; index--) {
    const need = limit - mentions.length;
    const found = await getMentionInbox(sharded.shards[index]!.waddle, {
      ...options,
      limit: Math.max(need, 1),
      cursor: index === start ? options.cursor : undefined,
      roleIds,
    });
    const taken = found.mentions.slice(0, need);
    mentions.push(...taken);
    if (found.olderCursor !== null || found.mentions.length > taken.length) {
      return { mentions, olderCursor: encodeCursor({ inboxBefore: mentions.at(-1)!.messageId }) };
    }
  }
  return { mentions, olderCursor: null };
}
