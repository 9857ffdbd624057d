import { env } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage, postMessages } from '../src/messages/post-message.ts';
import { getMessagePage, type MessagePage, type MessageScope, type PageOptions, planMessagePage } from '../src/pagination/message-page.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
beforeEach(async () => {
  waddle = await freshWaddle();
});

const VIEWER = 9;
const ids = (page: MessagePage) => page.messages.map((m) => m.id);

async function postMany(count: number, channelId: number, createdAt: (i: number) => number, threadId: number | null = null): Promise<number[]> {
  const posted: number[] = [];
  for (let i = 0; i < count; i++) {
    posted.push((await postMessage(waddle, { channelId, threadId, authorId: 1 + (i % 3), content: `message ${i}`, createdAt: createdAt(i) })).id);
  }
  return posted;
}

describe('getMessagePage', () => {
  it('pages a channel of 2,000 messages (500 in one millisecond) end to end both ways, with posts between pages, each message once and in order', { timeout: 120_000 }, async () => {
    const T = testClock().now();
    // 2,000 messages in channel 1, interleaved with traffic in channel 2; messages 700..1199 share one millisecond.
    const initial: number[] = [];
    for (let i = 0; i < 2000; i++) {
      initial.push((await postMessage(waddle, { channelId: 1, authorId: 1, content: `m${i}`, createdAt: i >= 700 && i < 1200 ? T + 700 : T + i })).id);
      if (i % 10 === 0) await postMessage(waddle, { channelId: 2, authorId: 2, content: 'elsewhere', createdAt: T + i });
    }

    // Newest to oldest, posting three new messages before each page.
    const backward: number[] = [];
    const postedWhileBackward: number[] = [];
    let page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: VIEWER });
    const firstNewerCursor = page.newerCursor;
    backward.unshift(...ids(page));
    while (page.olderCursor) {
      postedWhileBackward.push(...(await postMany(3, 1, () => T + 700)));
      page = await getMessagePage(waddle, { channelId: 1 }, { cursor: page.olderCursor, before: 50, viewerId: VIEWER });
      backward.unshift(...ids(page));
    }
    expect(page.foundOldest).toBe(true);
    expect(backward).toEqual(initial);

    // What arrived meanwhile comes after the first page's newer cursor, once each.
    const caughtUp: number[] = [];
    let newer = await getMessagePage(waddle, { channelId: 1 }, { cursor: firstNewerCursor, after: 50, viewerId: VIEWER });
    caughtUp.push(...ids(newer));
    while (!newer.foundNewest) {
      newer = await getMessagePage(waddle, { channelId: 1 }, { cursor: newer.newerCursor, after: 50, viewerId: VIEWER });
      caughtUp.push(...ids(newer));
    }
    expect(caughtUp).toEqual(postedWhileBackward);

    // Oldest to newest, posting between pages: everything, once, in order.
    const forward: number[] = [];
    const postedWhileForward: number[] = [];
    page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'oldest', after: 50, viewerId: VIEWER });
    forward.push(...ids(page));
    while (!page.foundNewest) {
      if (postedWhileForward.length < 30) postedWhileForward.push(...(await postMany(3, 1, () => T + 700)));
      page = await getMessagePage(waddle, { channelId: 1 }, { cursor: page.newerCursor, after: 50, viewerId: VIEWER });
      forward.push(...ids(page));
    }
    expect(forward).toEqual([...initial, ...postedWhileBackward, ...postedWhileForward]);
    expect(new Set(forward).size).toBe(forward.length);
  });

  it('returns the anchor with the requested messages either side, and says what it found', async () => {
    const posted = await postMany(30, 1, (i) => 1000 + i);
    const anchor = posted[10]!;
    const page = await getMessagePage(waddle, { channelId: 1 }, { anchor, before: 5, after: 5, viewerId: VIEWER });
    expect(ids(page)).toEqual(posted.slice(5, 16));
    expect(page).toMatchObject({ foundAnchor: true, foundOldest: false, foundNewest: false });

    const start = await getMessagePage(waddle, { channelId: 1 }, { anchor: posted[2]!, before: 5, after: 0, viewerId: VIEWER });
    expect(ids(start)).toEqual(posted.slice(0, 3));
    expect(start).toMatchObject({ foundOldest: true, foundAnchor: true, olderCursor: null });

    const end = await getMessagePage(waddle, { channelId: 1 }, { anchor: posted[28]!, before: 0, after: 5, viewerId: VIEWER });
    expect(ids(end)).toEqual(posted.slice(28));
    expect(end.foundNewest).toBe(true);

    const other = await postMessage(waddle, { channelId: 2, authorId: 1, content: 'x', createdAt: 5000 });
    const missing = await getMessagePage(waddle, { channelId: 1 }, { anchor: other.id, before: 2, after: 2, viewerId: VIEWER });
    expect(missing.foundAnchor).toBe(false);
    expect(ids(missing)).toEqual(posted.slice(28));
  });

  it('anchors at the first unread message, or shows the newest when nothing is unread', async () => {
    const posted = await postMany(20, 1, (i) => 1000 + i);
    await markRead(waddle, { userId: VIEWER, channelId: 1, messageId: posted[11]!, at: 2_000 });
    const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'first_unread', before: 2, after: 3, viewerId: VIEWER });
    expect(ids(page)).toEqual(posted.slice(10, 16));
    expect(page.foundAnchor).toBe(true);

    await markRead(waddle, { userId: VIEWER, channelId: 1, messageId: posted[19]!, at: 2_000 });
    const none = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'first_unread', before: 3, after: 3, viewerId: VIEWER });
    expect(ids(none)).toEqual(posted.slice(17));
    expect(none).toMatchObject({ foundAnchor: false, foundNewest: true });

    const stranger = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'first_unread', before: 0, after: 2, viewerId: 12345 });
    expect(ids(stranger)).toEqual(posted.slice(0, 3));
  });

  it('pages a thread by itself', async () => {
    await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: 1 }).execute();
    const inThread = await postMany(7, 1, (i) => 1000 + i, 1);
    await postMany(5, 1, (i) => 2000 + i);
    const page = await getMessagePage(waddle, { threadId: 1 }, { anchor: 'newest', before: 4, viewerId: VIEWER });
    expect(ids(page)).toEqual(inThread.slice(3));
    const rest = await getMessagePage(waddle, { threadId: 1 }, { cursor: page.olderCursor, before: 4, viewerId: VIEWER });
    expect(ids(rest)).toEqual(inThread.slice(0, 3));
    expect(rest.foundOldest).toBe(true);
    await expect(getMessagePage(waddle, { channelId: 1 }, { cursor: page.olderCursor, before: 4, viewerId: VIEWER })).rejects.toThrow(/another channel or thread/);
  });

  it('draws each message with its reactions, attachments, edit marker, reply reference; deleted ones as placeholders', async () => {
    const [first, second, third] = await postMany(3, 1, (i) => 1000 + i);
    await waddle.db.insertInto('reactions').values([
      { message_id: first!, emoji: '👍', user_id: 1, created_at: 1 },
      { message_id: first!, emoji: '👍', user_id: VIEWER, created_at: 2 },
      { message_id: first!, emoji: '🐧', user_id: 2, created_at: 3 },
      { message_id: second!, emoji: '🐧', user_id: 2, created_at: 4 },
    ]).execute();
    await waddle.db.insertInto('message_attachments').values({ message_id: second!, filename: 'ice.png', size_bytes: 2048, mime_type: 'image/png', url: 'https://cdn.example/ice.png' }).execute();
    await editMessage(waddle, { messageId: second!, content: 'edited text', editedAt: 5000 });
    const reply = await postMessage(waddle, { channelId: 1, authorId: 3, content: 'replying', replyToId: first!, createdAt: 6000 });
    const replyToDeleted = await postMessage(waddle, { channelId: 1, authorId: 3, content: 'too late', replyToId: third!, createdAt: 7000 });
    await deleteMessage(waddle, third!);

    const { messages } = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 10, viewerId: VIEWER });
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(first!)!.reactions).toEqual([{ emoji: '👍', count: 2, reacted: true }, { emoji: '🐧', count: 1, reacted: false }]);
    expect(byId.get(second!)).toMatchObject({
      content: 'edited text', edited: true, editCount: 1, editedAt: 5000,
      reactions: [{ emoji: '🐧', count: 1, reacted: false }],
      attachments: [{ filename: 'ice.png', sizeBytes: 2048, mimeType: 'image/png', url: 'https://cdn.example/ice.png' }],
    });
    expect(byId.get(third!)).toMatchObject({ deleted: true, content: null, reactions: [], attachments: [], authorId: 3 });
    expect(byId.get(reply.id)!.replyTo).toEqual({ id: first!, authorId: 1, excerpt: 'message 0', deleted: false });
    expect(byId.get(replyToDeleted.id)!.replyTo).toEqual({ id: third!, authorId: 3, excerpt: null, deleted: true });
  });

  it('reads a page in one statement whatever its size, each part served by an index', async () => {
    await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: 1 }).execute();
    await postMany(5, 1, (i) => 1000 + i, 1);
    const cases: [MessageScope, Omit<PageOptions, 'viewerId'>][] = [
      [{ channelId: 1 }, { anchor: 'newest', before: 100 }],
      [{ channelId: 1 }, { anchor: 3, before: 100, after: 100 }],
      [{ channelId: 1 }, { anchor: 'first_unread', before: 10, after: 10 }],
      [{ threadId: 1 }, { anchor: 'oldest', after: 100 }],
      [{ threadId: 1 }, { anchor: 2, before: 1, after: 1 }],
    ];
    for (const [scope, options] of cases) {
      const compiled = planMessagePage(waddle, scope, { ...options, viewerId: VIEWER }).query.compile();
      const steps = await explainQueryPlan(env.DB, compiled);
      expect({ options, problems: planProblems(steps) }).toEqual({ options, problems: [] });
      const details = steps.map((s) => s.detail).join('\n');
      expect(details).toContain('channelId' in scope ? 'messages_by_channel' : 'messages_by_thread');
      expect(details).toMatch(/SEARCH reactions USING PRIMARY KEY \(message_id=\?\)/);
      expect(details).toContain('message_attachments_by_message');
    }
  });

  it('refuses bad arguments before touching the database', async () => {
    const bad: Omit<PageOptions, 'viewerId'>[] = [
      { anchor: 'newest', before: 101 },
      { anchor: 'newest', before: 0 },
      { anchor: 'oldest', after: -1 },
      { anchor: 5, before: 0, after: 0 },
      { anchor: 1.5, before: 3 },
      { anchor: 'latest' as never, before: 3 },
      { cursor: 'not-a-cursor!', before: 3 },
      { cursor: btoa('{"k":"c1","d":"x","id":1}'), before: 3 },
    ];
    for (const options of bad) {
      await expect(getMessagePage(waddle, { channelId: 1 }, { ...options, viewerId: VIEWER })).rejects.toBeInstanceOf(InvalidQueryError);
    }
  });
});

describe('postMessages', () => {
  it('posts a burst atomically, in order, each indexed; a bad one rolls the whole batch back', async () => {
    const posted = await postMessages(waddle, [1, 2, 3].map((i) => ({ channelId: 1, authorId: 1, content: `burst ${i} walrus`, createdAt: 100 + i })));
    expect(posted.map((p) => p.id)).toEqual([1, 2, 3]);
    expect((await waddle.d1.prepare("SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH 'walrus' ORDER BY rowid").all()).results).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await expect(postMessages(waddle, [{ channelId: 1, authorId: 1, content: 'fine', createdAt: 200 }, { channelId: 99, authorId: 1, content: 'no such channel', createdAt: 200 }])).rejects.toThrow(/FOREIGN KEY/);
    expect(await waddle.db.selectFrom('messages').select('id').execute()).toHaveLength(3);
    await expect(postMessages(waddle, Array.from({ length: 51 }, () => ({ channelId: 1, authorId: 1, content: 'x', createdAt: 200 })))).rejects.toBeInstanceOf(InvalidQueryError);
  });
});
