import { env } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { getMessagePage, type MessageScope, planMessagePage } from '../src/pagination/message-page.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import { getUnreadCounts } from '../src/unreads/unread-counts.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

const VIEWER = 7;
const OTHER = 8;

let waddle: WaddleDatabase;
beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'topic', created_by: OTHER }).execute();
});

/** The anchor of a `first_unread` page: the one message it starts from, or null when it found none. */
async function pageAnchor(scope: MessageScope): Promise<number | null> {
  const page = await getMessagePage(waddle, scope, { anchor: 'first_unread', before: 0, after: 1, viewerId: VIEWER });
  if (!page.foundAnchor) expect(page.messages).toEqual([]);
  return page.foundAnchor ? page.messages[0]!.id : null;
}

async function unreadsAnchor(): Promise<number | null> {
  const [channel] = await getUnreadCounts(waddle, { userId: VIEWER, channelIds: [1] });
  return channel!.firstUnreadMessageId;
}

describe('first unread: one definition for the unread counts and the page anchor', () => {
  it("skips the viewer's own messages: user 7 posts, user 8 posts, both name user 8's message", async () => {
    const own = await postMessage(waddle, { channelId: 1, authorId: VIEWER, content: 'mine', createdAt: Date.now() });
    const theirs = await postMessage(waddle, { channelId: 1, authorId: OTHER, content: 'theirs', createdAt: Date.now() });
    expect(await unreadsAnchor()).toBe(theirs.id);
    expect(await pageAnchor({ channelId: 1 })).toBe(theirs.id);
    // The page still shows the viewer's own message just before the anchor.
    const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'first_unread', before: 5, after: 5, viewerId: VIEWER });
    expect(page.messages.map((m) => m.id)).toEqual([own.id, theirs.id]);
  });

  it('agree with each other and with a model over 120 random posts, deletions and read markers, in a channel and in a thread', async () => {
    // A small deterministic generator, so a failure can be replayed.
    let seed = 19;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const messages: { id: number; threadId: number | null; authorId: number; deleted: boolean }[] = [];
    let marker = 0;
    const start = Date.now();
    for (let step = 0; step < 120; step++) {
      const roll = random();
      if (roll < 0.65 || messages.length === 0) {
        const authorId = random() < 0.45 ? VIEWER : OTHER;
        const threadId = random() < 0.4 ? 1 : null;
        const posted = await postMessage(waddle, { channelId: 1, threadId, authorId, content: `step ${step}`, createdAt: start + step });
        messages.push({ id: posted.id, threadId, authorId, deleted: false });
      } else if (roll < 0.8) {
        const target = messages[Math.floor(random() * messages.length)]!;
        await deleteMessage(waddle, target.id);
        target.deleted = true;
      } else {
        const target = messages[Math.floor(random() * messages.length)]!;
        marker = await markRead(waddle, { userId: VIEWER, channelId: 1, messageId: target.id, at: start + step });
      }
      const expected = (inThread: boolean) =>
        messages.find((m) => m.id > marker && !m.deleted && m.authorId !== VIEWER && (!inThread || m.threadId === 1))?.id ?? null;
      const seen = {
        step,
        unreads: await unreadsAnchor(),
        channelPage: await pageAnchor({ channelId: 1 }),
        threadPage: await pageAnchor({ threadId: 1 }),
      };
      expect(seen).toEqual({ step, unreads: expected(false), channelPage: expected(false), threadPage: expected(true) });
    }
  });

  it("shows the newest messages when nothing is unread, even with the viewer's own after the marker", async () => {
    const read = await postMessage(waddle, { channelId: 1, authorId: OTHER, content: 'read', createdAt: Date.now() });
    await markRead(waddle, { userId: VIEWER, channelId: 1, messageId: read.id, at: Date.now() });
    const own = await postMessage(waddle, { channelId: 1, authorId: VIEWER, content: 'mine', createdAt: Date.now() });
    expect(await unreadsAnchor()).toBeNull();
    const page = await getMessagePage(waddle, { channelId: 1 }, { anchor: 'first_unread', before: 5, after: 5, viewerId: VIEWER });
    expect(page).toMatchObject({ foundAnchor: false, foundNewest: true, foundOldest: true });
    expect(page.messages.map((m) => m.id)).toEqual([read.id, own.id]);
  });

  it('anchors a channel or thread page at the first unread through an index (query plan)', async () => {
    for (const scope of [{ channelId: 1 }, { threadId: 1 }] as MessageScope[]) {
      const compiled = planMessagePage(waddle, scope, { anchor: 'first_unread', before: 10, after: 10, viewerId: VIEWER }).query.compile();
      const steps = await explainQueryPlan(env.DB, compiled);
      expect({ scope, problems: planProblems(steps) }).toEqual({ scope, problems: [] });
    }
  });
});
