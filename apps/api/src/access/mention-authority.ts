import { membersAmong } from '@waddle/directory-queries/members/members-among';
import type { MentionAuthority } from '@waddle/queries/mentions/mention-statement';
import { writtenMentions } from '@waddle/queries/mentions/mention-syntax';
import type { RequestContext } from '../context/request-context.ts';
import { Permission } from './permissions.ts';
import type { WaddleAccess } from './waddle-access.ts';

/**
 * What the caller may mention in `content`, for posting or editing it: which of its `<@id>` are
 * members of the waddle now (the central directory; others stay plain text), and whether the
 * caller holds MENTION_EVERYONE (`@everyone`, `@here`, roles that are not mentionable). Content
 * naming more than 50 distinct users and roles is refused here (`InvalidQueryError`: 400
 * `invalid_query`) before anything is written. Without a `<@id>`, no query is sent.
 *
 * ```sql
 * -- membersAmong, when the content names users:
 * SELECT user_id FROM waddle_members WHERE waddle_id = ? AND user_id IN (?, …)
 * ```
 */
export async function mentionAuthority(context: RequestContext, access: WaddleAccess, content: string): Promise<MentionAuthority> {
  const { userIds } = writtenMentions(content);
  return {
    memberIds: await membersAmong(context.directory, access.waddle.id, userIds),
    mayMentionEveryone: access.has(Permission.MENTION_EVERYONE),
  };
}
