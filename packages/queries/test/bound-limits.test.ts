import { env } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { describe, expect, it } from 'vitest';
import { getMentionInbox } from '../src/mentions/mention-inbox.ts';
import { getUnreadMentionCounts } from '../src/mentions/unread-mention-counts.ts';
import { pinnedMessages } from '../src/messages/pinned-messages.ts';
import { getChannelBadges } from '../src/notifications/channel-badges.ts';
import { getMessagePage } from '../src/pagination/message-page.ts';
import { searchMessages } from '../src/search/search-messages.ts';
import { getActiveThreads } from '../src/threads/active-threads.ts';
import { getFollowedThreads } from '../src/threads/followed-threads.ts';
import { getThreadUnreads } from '../src/threads/thread-unreads.ts';
import { getUnreadCounts } from '../src/unreads/unread-counts.ts';
import { openWaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

/** `d1`, with every statement's text recorded as it is prepared. */
function recordingStatements(d1: D1DatabaseLike): { d1: D1DatabaseLike; texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    d1: {
      prepare: (text) => {
        texts.push(text);
        return d1.prepare(text);
      },
      batch: (statements) => d1.batch(statements),
    },
  };
}

describe('the row counts of LIMIT', () => {
  it('are bound as CAST(? AS INTEGER) in every read of the library but search, never as a bare LIMIT ? that SQLite peeks at', async () => {
    await freshWaddle();
    const { d1, texts } = recordingStatements(env.DB);
    const waddle = openWaddleDatabase(d1);
    const channels = [1, 2, 3];
    await getUnreadMentionCounts(waddle, { userId: 7, channelIds: channels });
    await getMentionInbox(waddle, { userId: 7, visibleChannelIds: channels, limit: 10 });
    await getFollowedThreads(waddle, { userId: 7, visibleChannelIds: channels, onlyUnread: true, limit: 10 });
    await getFollowedThreads(waddle, { userId: 7, visibleChannelIds: channels, channelId: 1 });
    await getThreadUnreads(waddle, { userId: 7, threadIds: [1, 2], visibleChannelIds: channels });
    await getChannelBadges(waddle, { userId: 7, channelIds: channels, waddleLevel: 'all' });
    await getUnreadCounts(waddle, { userId: 7, channelIds: channels });
    await getActiveThreads(waddle, { channelId: 1, now: testClock().now() });
    for (const anchor of ['newest', 'oldest', 'first_unread', 5] as const)
      await getMessagePage(waddle, { channelId: 1 }, { anchor, before: 10, after: anchor === 'newest' ? 0 : 10, viewerId: 7 });
    await pinnedMessages(waddle, 1);
    const beforeSearch = texts.length;
    // Full-text search keeps bare limits (see searchMessages), and nothing else: the rest is checked below.
    await searchMessages(waddle, { query: 'penguin', visibleChannelIds: channels, sort: 'relevance' });
    expect(texts.slice(beforeSearch).some((text) => /\blimit\s+\?/i.test(text))).toBe(true);

    const limited = texts.slice(0, beforeSearch).filter((text) => /\blimit\b/i.test(text));
    expect(limited.length).toBeGreaterThanOrEqual(12);
    const bare = limited.filter((text) => /\blimit\s+\?(?!\s*\+)/i.test(text));
    expect(bare).toEqual([]);
    for (const text of limited) expect(text).toMatch(/\blimit\s+cast\(\? as integer\)/i);
  });
});
