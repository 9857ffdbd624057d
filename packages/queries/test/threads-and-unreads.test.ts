import { env } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { activeThreadsQuery, getActiveThreads } from '../src/threads/active-threads.ts';
import {
  activityDriftQuery,
  decorationDriftQuery,
  type DriftScan,
  findActivityDrift,
  repairActivityDrift,
} from '../src/threads/activity-drift.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import { getUnreadCounts, unreadCountsQuery } from '../src/unreads/unread-counts.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
/** The test's "now", from the real now: every query it exercises is handed this time. */
const NOW = testClock().now();
const HOUR = 3_600_000;

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db
    .insertInto('threads')
    .values([
      { id: 1, channel_id: 1, title: 'old news', created_by: 1, created_at: NOW - 100 * HOUR },
      { id: 2, channel_id: 1, title: 'hot topic', created_by: 1, created_at: NOW - 50 * HOUR },
      { id: 3, channel_id: 1, title: 'empty', created_by: 1, created_at: NOW - 10 * HOUR },
      { id: 4, channel_id: 2, title: 'elsewhere', created_by: 1, created_at: NOW - 10 * HOUR },
    ])
    .execute();
});

const post = (threadId: number | null, createdAt: number, channelId = 1, authorId = 1) =>
  postMessage(waddle, { channelId, threadId, authorId, content: 'x', createdAt });

describe('getActiveThreads', () => {
  it("orders a channel's threads by last activity, with total and last-24-hours counts", async () => {
    await post(2, NOW - 30 * HOUR);
    await post(2, NOW - 20 * HOUR);
    await post(2, NOW - 2 * HOUR);
    const gone = await post(2, NOW - HOUR);
    await deleteMessage(waddle, gone.id);
    await post(1, NOW - 90 * HOUR);
    const latest = await post(1, NOW - 3 * HOUR);
    await post(4, NOW - HOUR, 2);

    const threads = await getActiveThreads(waddle, { channelId: 1, now: NOW });
    expect(threads.map((t) => [t.id, t.messageCount, t.recentMessageCount])).toEqual([
      [1, 2, 1],
      [2, 3, 2],
      [3, 0, 0],
    ]);
    expect(threads[0]).toMatchObject({ title: 'old news', lastMessageId: latest.id, lastMessageAt: NOW - 3 * HOUR, locked: false });
    expect(await getActiveThreads(waddle, { channelId: 1, now: NOW, limit: 1 })).toHaveLength(1);
  });

  it("reads the thread rows and a per-thread index, never the channel's messages (query plan)", async () => {
    const plan = await explainQueryPlan(env.DB, activeThreadsQuery(waddle, { channelId: 1, now: NOW }).compile());
    expect(planProblems(plan)).toEqual([]);
    const details = plan.map((s) => s.detail).join('\n');
    expect(details).toContain('threads_by_activity');
    expect(details).toContain('messages_recent_in_thread');
  });
});

describe('activity drift', () => {
  it("finds nothing after normal writes, then finds and repairs a counter changed behind the triggers' back", async () => {
    await post(1, NOW - 5 * HOUR);
    const last = await post(1, NOW - 4 * HOUR);
    await post(null, NOW - 3 * HOUR, 2);
    expect((await scanAll()).length).toBe(0);

    await waddle.db.updateTable('threads').set({ message_count: 7, last_message_id: null }).where('id', '=', 1).execute();
    await waddle.db.updateTable('channels').set({ last_message_at: 1 }).where('id', '=', 2).execute();
    const drift = await scanAll();
    expect(drift.map((d) => [d.kind, d.id])).toEqual([
      ['thread', 1],
      ['channel', 2],
    ]);
    expect(drift[0]).toMatchObject({
      stored: { messageCount: 7, lastMessageId: null },
      actual: { messageCount: 2, lastMessageId: last.id, lastMessageAt: NOW - 4 * HOUR },
    });

    expect(await repairActivityDrift(waddle, drift)).toBe(2);
    expect(await scanAll()).toEqual([]);
  });

  it('recomputes a slice by key ranges and indexes, never a scan of messages or of reactions (query plan)', async () => {
    for (const kind of ['thread', 'channel'] as const) {
      const plan = await explainQueryPlan(env.DB, activityDriftQuery(kind, 0, 100).compile(waddle.db));
      expect(planProblems(plan)).toEqual([]);
      expect(plan.map((s) => s.detail).join('\n')).toContain(kind === 'thread' ? 'messages_' : 'messages_by_channel');
    }
    const messages = await explainQueryPlan(env.DB, decorationDriftQuery(0, 1000).compile(waddle.db));
    expect(planProblems(messages)).toEqual([]);
    expect(messages.map((s) => s.detail)).toEqual(
      expect.arrayContaining([
        'SEARCH m USING INTEGER PRIMARY KEY (rowid>?)',
        expect.stringMatching(/^SEARCH reactions USING (COVERING INDEX|PRIMARY KEY)/),
        expect.stringMatching(/^SEARCH message_attachments USING COVERING INDEX message_attachments_by_message/),
      ]),
    );
  });

  async function scanAll() {
    const all = [];
    let after: DriftScan['next'] = null;
    do {
      const scan = await findActivityDrift(waddle, { after, limit: 2 });
      all.push(...scan.drift);
      after = scan.next;
    } while (after);
    return all;
  }
});

describe('unreads', () => {
  it('counts messages by others after the marker, capped, with the first unread; the marker never moves back', async () => {
    const mine = await post(null, 1000, 1, 9);
    const posted = [];
    for (let i = 0; i < 12; i++) posted.push((await post(null, 2000 + i, 1, 2)).id);
    await deleteMessage(waddle, posted[11]!);
    await post(null, 5000, 2, 2);

    expect(await getUnreadCounts(waddle, { userId: 9, channelIds: [1, 2, 3], cap: 5 })).toEqual([
      { channelId: 1, lastReadMessageId: 0, unreadCount: 5, capped: true, firstUnreadMessageId: posted[0] },
      { channelId: 2, lastReadMessageId: 0, unreadCount: 1, capped: false, firstUnreadMessageId: expect.any(Number) },
      { channelId: 3, lastReadMessageId: 0, unreadCount: 0, capped: false, firstUnreadMessageId: null },
    ]);
    expect(mine.id).toBeLessThan(posted[0]!);

    expect(await markRead(waddle, { userId: 9, channelId: 1, messageId: posted[7]!, at: NOW })).toBe(posted[7]);
    expect(await markRead(waddle, { userId: 9, channelId: 1, messageId: posted[2]!, at: NOW })).toBe(posted[7]);
    const [channel1] = await getUnreadCounts(waddle, { userId: 9, channelIds: [1] });
    expect(channel1).toEqual({
      channelId: 1,
      lastReadMessageId: posted[7],
      unreadCount: 3,
      capped: false,
      firstUnreadMessageId: posted[8],
    });

    expect(await markRead(waddle, { userId: 9, channelId: 1, messageId: 999_999, at: NOW })).toBe(posted[11]);
    expect((await getUnreadCounts(waddle, { userId: 9, channelIds: [1] }))[0]!.unreadCount).toBe(0);
    expect(await getUnreadCounts(waddle, { userId: 9, channelIds: [] })).toEqual([]);
  });

  it('reads at most the capped range of the channel index (query plan)', async () => {
    const plan = await explainQueryPlan(env.DB, unreadCountsQuery(waddle.db, 9, [1, 2], 100).compile(waddle.db));
    expect(planProblems(plan)).toEqual([]);
    expect(plan.map((s) => s.detail).join('\n')).toContain('messages_by_channel');
  });
});
