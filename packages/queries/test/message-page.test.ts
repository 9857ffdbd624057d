import { env } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage, postMessages } from '../src/messages/post-message.ts';
import { getMessagePage, type MessagePage, type MessageScope, type PageOptions, planMessagePage } from '../src/pagination/message-page.ts';
import type { PageMessage } from '../src/pagination/page-message.ts';
import { findActivityDrift, repairActivityDrift } from '../src/threads/activity-drift.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { recomputedPageMessage } from '../test-support/recomputed-page-message.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
beforeEach(async () => {
  waddle = await freshWaddle();
});

const VIEWER = 9;
const ids = (page: MessagePage) => page.messages.map((m) => m.id);

async function postMany(
  count: number,
  channelId: number,
  createdAt: (i: number) => number,
  threadId: number | null = null,
): Promise<number[]> {
  const posted: number[] = [];
  for (let i = 0; i < count; i++) {
    posted.push(
      (await postMessage(waddle, { channelId, threadId, authorId: 1 + (i % 3), content: `message ${i}`, createdAt: createdAt(i) })).id,
    );
  }
  return posted;
}

describe('getMessagePage', () => {
  it('pages a channel of 2,000 messages (500 in one millisecond) end to end both ways, with posts between pages, each message once and in order', {
    timeout: 120_000,
  }, async () => {
    const T = testClock().now();
    // 2,000 messages in channel 1, interleaved with traffic in channel 2; messages 700..1199 share one millisecond.
    const initial: number[] = [];
    for (let i = 0; i < 2000; i++) {
      initial.push(
        (await postMessage(waddle, { channelId: 1, authorId: 1, content: `m${i}`, createdAt: i >= 700 && i < 1200 ? T + 700 : T + i })).id,
      );
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

  it('keeps its place when a poll with the newer cursor finds nothing new', async () => {
    const T = testClock().now();
    const posted = await postMany(3, 1, (i) => T + i);
    const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 50, viewerId: VIEWER });
    const empty = await getMessagePage(waddle, { channelId: 1 }, { cursor: page.newerCursor, after: 50, viewerId: VIEWER });
    expect([empty.messages, empty.foundNewest, empty.newerCursor]).toEqual([[], true, page.newerCursor]);
    const next = (await postMessage(waddle, { channelId: 1, authorId: 2, content: 'new', createdAt: T + 9 })).id;
    const polled = await getMessagePage(waddle, { channelId: 1 }, { cursor: empty.newerCursor, after: 50, viewerId: VIEWER });
    expect([ids(page), ids(polled)]).toEqual([posted, [next]]);
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
    await expect(getMessagePage(waddle, { channelId: 1 }, { cursor: page.olderCursor, before: 4, viewerId: VIEWER })).rejects.toThrow(
      /another channel or thread/,
    );
  });

  it('draws each message with its reactions, attachments, edit marker, reply reference; deleted ones as placeholders', async () => {
    const [first, second, third] = await postMany(3, 1, (i) => 1000 + i);
    await waddle.db
      .insertInto('reactions')
      .values([
        { message_id: first!, emoji: '👍', user_id: 1, created_at: 1 },
        { message_id: first!, emoji: '👍', user_id: VIEWER, created_at: 2 },
        { message_id: first!, emoji: '🐧', user_id: 2, created_at: 3 },
        { message_id: second!, emoji: '🐧', user_id: 2, created_at: 4 },
      ])
      .execute();
    await waddle.db
      .insertInto('message_attachments')
      .values({ message_id: second!, filename: 'ice.png', size_bytes: 2048, mime_type: 'image/png', url: 'https://cdn.example/ice.png' })
      .execute();
    await editMessage(waddle, { messageId: second!, content: 'edited text', editedAt: 5000 });
    const reply = await postMessage(waddle, { channelId: 1, authorId: 3, content: 'replying', replyToId: first!, createdAt: 6000 });
    const replyToDeleted = await postMessage(waddle, {
      channelId: 1,
      authorId: 3,
      content: 'too late',
      replyToId: third!,
      createdAt: 7000,
    });
    await deleteMessage(waddle, third!);

    const { messages } = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 10, viewerId: VIEWER });
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(first!)!.reactions).toEqual([
      { emoji: '👍', count: 2, reacted: true },
      { emoji: '🐧', count: 1, reacted: false },
    ]);
    expect(byId.get(second!)).toMatchObject({
      content: 'edited text',
      edited: true,
      editCount: 1,
      editedAt: 5000,
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
      // A bare `LIMIT ?` is read by SQLite's planner, so binding it again recompiles the statement on every call.
      if (options.anchor !== 'first_unread') expect(compiled.sql).not.toMatch(/LIMIT \?(?!\s*\+)/);
    }
  });

  it('walks a page around an anchor down from its newer end: the older side is bounded by the LIMIT, not by a second walk', async () => {
    await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: 1 }).execute();
    const cases: [MessageScope, Omit<PageOptions, 'viewerId'>, string][] = [
      [{ channelId: 1 }, { anchor: 3, before: 49 }, 'messages_by_channel'],
      [{ channelId: 1 }, { anchor: 3, before: 20, after: 30 }, 'messages_by_channel'],
      [{ threadId: 1 }, { anchor: 2, before: 5, after: 5 }, 'messages_by_thread'],
    ];
    for (const [scope, options, index] of cases) {
      const compiled = planMessagePage(waddle, scope, { ...options, viewerId: VIEWER }).query.compile();
      const walks = (await explainQueryPlan(env.DB, compiled)).map((s) => s.detail).filter((detail) => detail.includes(index));
      // The walk itself goes down from the newer end; the only other reads are the index keys from the anchor up.
      expect(walks.filter((detail) => detail.startsWith('SEARCH m '))).toEqual([expect.stringMatching(/ AND id<\?\)$/)]);
      const keys = walks.filter((detail) => !detail.startsWith('SEARCH m '));
      expect(keys).toHaveLength(2);
      for (const detail of keys) expect(detail).toMatch(/^SEARCH messages USING COVERING INDEX \w+ \(\w+=\? AND id>\?\)$/);
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
    const posted = await postMessages(
      waddle,
      [1, 2, 3].map((i) => ({ channelId: 1, authorId: 1, content: `burst ${i} walrus`, createdAt: 100 + i })),
    );
    expect(posted.map((p) => p.id)).toEqual([1, 2, 3]);
    expect(
      (await waddle.d1.prepare("SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH 'walrus' ORDER BY rowid").all()).results,
    ).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await expect(
      postMessages(waddle, [
        { channelId: 1, authorId: 1, content: 'fine', createdAt: 200 },
        { channelId: 99, authorId: 1, content: 'no such channel', createdAt: 200 },
      ]),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(await waddle.db.selectFrom('messages').select('id').execute()).toHaveLength(3);
    await expect(
      postMessages(
        waddle,
        Array.from({ length: 51 }, () => ({ channelId: 1, authorId: 1, content: 'x', createdAt: 200 })),
      ),
    ).rejects.toBeInstanceOf(InvalidQueryError);
  });
});

describe("the page's decorations", () => {
  /**
   * What the page should draw for these messages, recomputed straight from the tables: every
   * reaction row, every attachment, the replied message, with no flag consulted.
   */
  async function recomputed(ids: readonly number[], viewerId: number): Promise<PageMessage[]> {
    if (ids.length === 0) return [];
    const messages = await waddle.db.selectFrom('messages').selectAll().where('id', 'in', ids).orderBy('id').execute();
    const reactions = await waddle.db.selectFrom('reactions').selectAll().where('message_id', 'in', ids).execute();
    const attachments = await waddle.db
      .selectFrom('message_attachments')
      .selectAll()
      .where('message_id', 'in', ids)
      .orderBy('id')
      .execute();
    const repliedIds = messages.flatMap((m) => (m.reply_to_id === null ? [] : [m.reply_to_id]));
    const replied =
      repliedIds.length === 0 ? [] : await waddle.db.selectFrom('messages').selectAll().where('id', 'in', repliedIds).execute();
    return messages.map((m) =>
      recomputedPageMessage(m, {
        reactions: reactions.filter((r) => r.message_id === m.id),
        attachments: attachments.filter((a) => a.message_id === m.id),
        repliedTo: replied.find((r) => r.id === m.reply_to_id),
        viewerId,
      }),
    );
  }

  /** Every kind of page over channel 1 and thread 1, each equal to the recomputation of its messages. */
  async function expectPagesRecomputed(step: string) {
    const channel = (await waddle.db.selectFrom('messages').select('id').where('channel_id', '=', 1).orderBy('id').execute()).map(
      (m) => m.id,
    );
    const pages: [MessageScope, Omit<PageOptions, 'viewerId'>][] = [
      [{ channelId: 1 }, { anchor: 'newest', before: 100 }],
      [{ channelId: 1 }, { anchor: 'oldest', after: 100 }],
      [{ channelId: 1 }, { anchor: channel[Math.floor(channel.length / 2)]!, before: 4, after: 4 }],
      [{ channelId: 1 }, { anchor: 'first_unread', before: 3, after: 5 }],
      [{ threadId: 1 }, { anchor: 'newest', before: 100 }],
    ];
    for (const viewerId of [VIEWER, 2]) {
      for (const [scope, options] of pages) {
        const page = await getMessagePage(waddle, scope, { ...options, viewerId });
        expect({ step, scope, options, viewerId, messages: page.messages }).toEqual({
          step,
          scope,
          options,
          viewerId,
          messages: await recomputed(ids(page), viewerId),
        });
      }
    }
    const newest = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 100, viewerId: VIEWER });
    expect(ids(newest)).toEqual(channel.slice(-100));
  }

  const react = (messageId: number, emoji: string, userId: number, createdAt: number) =>
    waddle.d1
      .prepare('INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
      .bind(messageId, emoji, userId, createdAt)
      .run();
  const unreact = (messageId: number, emoji: string, userId: number) =>
    waddle.d1
      .prepare('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING message_id')
      .bind(messageId, emoji, userId)
      .all();
  const attach = (messageId: number, filename: string) =>
    waddle.db
      .insertInto('message_attachments')
      .values({
        message_id: messageId,
        filename,
        size_bytes: filename.length,
        mime_type: 'image/png',
        url: `https://cdn.example/${filename}`,
      })
      .execute();

  it('equal a recomputation from the tables after every kind of write, for every anchor and in threads', async () => {
    await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: 1 }).execute();
    const T = Date.now();
    const m = await postMany(14, 1, (i) => T + i);
    const inThread = await postMany(4, 1, (i) => T + 100 + i, 1);
    const penguins = (await postMessage(waddle, { channelId: 1, authorId: 3, content: '🐧'.repeat(250), createdAt: T + 200 })).id;
    await markRead(waddle, { userId: VIEWER, channelId: 1, messageId: m[9]!, at: T + 300 });
    await markRead(waddle, { userId: 2, channelId: 1, messageId: m[3]!, at: T + 300 });
    await expectPagesRecomputed('no decorations yet');

    await react(m[0]!, '👍', VIEWER, T + 1);
    await react(m[0]!, '👍', 2, T + 2);
    await react(m[0]!, '👍', 2, T + 3); // the same reaction again changes nothing
    await react(m[0]!, '🐧', 3, T + 2);
    await react(inThread[1]!, '🎉', 2, T + 5);
    await expectPagesRecomputed('reactions added');

    for (let user = 10; user < 130; user++) await react(m[12]!, ['🐟', '❄️', '👍'][user % 3]!, user, T + 9); // ties on the first time: by emoji
    await react(m[12]!, '🐧', VIEWER, T + 8);
    await expectPagesRecomputed('a message with 121 reactions');

    await attach(m[1]!, 'one.png');
    await attach(m[1]!, 'two.png');
    await attach(m[0]!, 'both.png');
    await attach(inThread[2]!, 'thread.png');
    await expectPagesRecomputed('attachments added');

    await unreact(m[0]!, '👍', VIEWER);
    await expectPagesRecomputed('a reaction removed, others left');
    await unreact(m[0]!, '👍', 2);
    await unreact(m[0]!, '🐧', 3);
    await unreact(inThread[1]!, '🎉', 2);
    await expectPagesRecomputed('the last reactions removed');
    await waddle.db.deleteFrom('message_attachments').where('message_id', '=', m[0]!).execute();
    await expectPagesRecomputed('the last attachment removed');
    await react(m[0]!, '🎉', VIEWER, T + 20);
    await expectPagesRecomputed('reacted again');

    await postMessage(waddle, { channelId: 1, authorId: 2, content: 'so many', replyToId: penguins, createdAt: T + 300 });
    const replyToFiles = (
      await postMessage(waddle, { channelId: 1, threadId: 1, authorId: 1, content: 'nice files', replyToId: m[1]!, createdAt: T + 301 })
    ).id;
    const replyToGone = (await postMessage(waddle, { channelId: 1, authorId: 2, content: 'hm', replyToId: m[5]!, createdAt: T + 302 })).id;
    await react(replyToFiles, '👍', 3, T + 303);
    await expectPagesRecomputed('replies posted');

    await editMessage(waddle, { messageId: penguins, content: 'fewer 🐧', editedAt: T + 400 });
    await expectPagesRecomputed('a replied message edited');
    await deleteMessage(waddle, m[1]!);
    await expectPagesRecomputed('a replied message with attachments tombstoned');
    await waddle.d1.prepare('DELETE FROM messages WHERE id = ?').bind(m[5]!).run();
    await expectPagesRecomputed('a replied message hard-deleted');
    expect(
      (await getMessagePage(waddle, { channelId: 1 }, { anchor: replyToGone, before: 0, after: 1, viewerId: VIEWER })).messages[0]!.replyTo,
    ).toBeNull();

    // An erasure of user 2, as the privacy job runs it: their reactions elsewhere, then their messages.
    await waddle.d1
      .prepare(
        'DELETE FROM reactions WHERE user_id = ? AND (message_id, emoji) IN (SELECT message_id, emoji FROM reactions WHERE user_id = ? LIMIT ?)',
      )
      .bind(2, 2, 500)
      .run();
    await waddle.d1
      .prepare(`UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0, edit_count = 0, edited_at = NULL
        WHERE id IN (SELECT id FROM messages WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?) RETURNING id`)
      .bind(2, 0, 200)
      .all();
    await expectPagesRecomputed('a user erased');

    const scan = await findActivityDrift(waddle, { limit: 1000 });
    let next = scan.next;
    const drift = [...scan.drift];
    while (next) {
      const more = await findActivityDrift(waddle, { after: next, limit: 1000 });
      drift.push(...more.drift);
      next = more.next;
    }
    expect(drift).toEqual([]);
  });

  it('looks up reactions and attachments only where the flag says so; the drift check finds a flag written around the triggers and repairs it', async () => {
    const [a, b, c] = await postMany(3, 1, (i) => 1000 + i);
    await react(a!, '👍', 2, 1);
    await attach(b!, 'b.png');
    await waddle.d1.prepare('UPDATE messages SET decorations = 0 WHERE id = ?').bind(a!).run();
    // A REPLACE that moves b's attachment to c deletes b's row without its delete trigger: b's bit stays set.
    const [{ id: attachment }] = (
      await waddle.d1.prepare('SELECT id FROM message_attachments WHERE message_id = ?').bind(b!).all<{ id: number }>()
    ).results as [{ id: number }];
    await waddle.d1
      .prepare(
        "INSERT OR REPLACE INTO message_attachments (id, message_id, filename, size_bytes, url) VALUES (?, ?, 'c.png', 1, 'https://cdn.example/c.png')",
      )
      .bind(attachment, c!)
      .run();

    const before = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 10, viewerId: VIEWER });
    expect(before.messages.map((m) => [m.id, m.reactions.length, m.attachments.length])).toEqual([
      [a, 0, 0],
      [b, 0, 0],
      [c, 0, 1],
    ]);

    const { drift, next } = await findActivityDrift(waddle, { after: { kind: 'message', id: 0 } });
    expect(next).toBeNull();
    expect(drift).toEqual([
      { kind: 'message', id: a, stored: { reactions: false, attachments: false }, actual: { reactions: true, attachments: false } },
      { kind: 'message', id: b, stored: { reactions: false, attachments: true }, actual: { reactions: false, attachments: false } },
    ]);
    expect(await repairActivityDrift(waddle, drift)).toBe(2);
    expect((await findActivityDrift(waddle, { after: { kind: 'message', id: 0 } })).drift).toEqual([]);
    const after = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'newest', before: 10, viewerId: VIEWER });
    expect(after.messages).toEqual(await recomputed([a!, b!, c!], VIEWER));
    expect(after.messages[0]!.reactions).toEqual([{ emoji: '👍', count: 1, reacted: false }]);
  });
});
