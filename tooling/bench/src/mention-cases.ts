import { getMentionInbox } from '@waddle/queries/mentions/mention-inbox';
import { getUnreadMentionCounts } from '@waddle/queries/mentions/unread-mention-counts';
import { getFollowedThreads } from '@waddle/queries/threads/followed-threads';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import { FOLLOWER, MENTIONED_USER } from './synthetic-mentions.ts';

/** Issue 17's cases: `mentions.inbox_ms`, `mentions.unread_ms`, `follows.list_ms`. */
export const MENTION_CASES = ['mentions_inbox', 'mentions_unread', 'follows_list'] as const;
export type MentionCase = (typeof MENTION_CASES)[number];

/**
 * One call of a mention case: the newest 50 mentions of {@link MENTIONED_USER} across the
 * waddle's channels; their unread mention counts in all 50 channels (read markers at 0, so each
 * count runs to its cap); the threads with unreads among the 500 that {@link FOLLOWER} follows,
 * newest activity first.
 */
export function mentionCase(name: MentionCase, waddle: WaddleDatabase, visibleChannelIds: readonly number[]): () => Promise<unknown> {
  switch (name) {
    case 'mentions_inbox':
      return () => getMentionInbox(waddle, { userId: MENTIONED_USER, visibleChannelIds, limit: 50 });
    case 'mentions_unread':
      return () => getUnreadMentionCounts(waddle, { userId: MENTIONED_USER, channelIds: visibleChannelIds });
    case 'follows_list':
      return () => getFollowedThreads(waddle, { userId: FOLLOWER, visibleChannelIds, onlyUnread: true, limit: 50 });
  }
}
