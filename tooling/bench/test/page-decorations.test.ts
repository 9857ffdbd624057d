import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { localDatabaseFile } from '@waddle/platform/local-database-file';
import { type LocalDatabases, openLocalDatabases } from '@waddle/platform/local-databases';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startErasure } from '@waddle/privacy/start-erasure';
import { deleteMessage } from '@waddle/queries/messages/delete-message';
import { editMessage } from '@waddle/queries/messages/edit-message';
import { postMessages } from '@waddle/queries/messages/post-message';
import { getMessagePage, type MessagePage, type MessageScope, type PageOptions } from '@waddle/queries/pagination/message-page';
import type { PageMessage } from '@waddle/queries/pagination/page-message';
import {
  type RecomputedAttachmentRow,
  type RecomputedMessageRow,
  type RecomputedReactionRow,
  recomputedPageMessage,
} from '@waddle/queries/recomputed-page-message';
import { markRead } from '@waddle/queries/unreads/mark-read';
import { type ActivityDrift, type DriftScan, findActivityDrift } from '@waddle/queries/threads/activity-drift';
import { openWaddleDatabase, type WaddleDatabase } from '@waddle/queries/waddle-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomSource } from '../src/synthetic-content.ts';
import { buildSyntheticWaddle, DEFAULT_SHAPE } from '../src/synthetic-waddle.ts';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

/** The benchmark's waddle at a small size: the same generator, distributions and triggers. */
const SHAPE = { ...DEFAULT_SHAPE, messages: 4000, channels: 6, threads: 60, authors: 40, threadsInBusiestChannel: 20 };
const DATABASE_ID = 'bench-shaped-waddle';
const VIEWERS = [1, 13];
const EMOJI = ['👍', '🐧', '🎉', '😂', '🐟'];

let directory: string;
let local: LocalDatabases;
let d1: D1DatabaseLike;
let waddle: WaddleDatabase;
const now = Date.now();
const next = randomSource(15);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'waddle-bench-shaped-'));
  const built = join(directory, 'synthetic.sqlite');
  await buildSyntheticWaddle(built, { ...SHAPE, now }, () => {});
  const stateDirectory = join(directory, 'state');
  const file = localDatabaseFile(stateDirectory, DATABASE_ID);
  mkdirSync(dirname(file), { recursive: true });
  copyFileSync(built, file);
  local = await openLocalDatabases([DATABASE_ID], stateDirectory);
  d1 = local.get(DATABASE_ID);
  waddle = openWaddleDatabase(d1);
});

afterAll(async () => {
  await local?.dispose();
  rmSync(directory, { recursive: true, force: true });
});

interface Tables {
  messages: RecomputedMessageRow[];
  reactions: RecomputedReactionRow[];
  attachments: RecomputedAttachmentRow[];
}

async function readTables(database: D1DatabaseLike): Promise<Tables> {
  const all = async <T>(sql: string) => (await database.prepare(sql).all<T>()).results;
  return {
    messages: await all(
      'SELECT id, channel_id, thread_id, user_id, content, content_type, metadata, reply_to_id, edit_count, is_pinned, is_deleted, created_at, edited_at FROM messages ORDER BY id',
    ),
    reactions: await all('SELECT message_id, emoji, user_id, created_at FROM reactions'),
    attachments: await all('SELECT id, message_id, filename, size_bytes, mime_type, url FROM message_attachments ORDER BY id'),
  };
}

/** Every message as a page should draw it for `viewerId`, recomputed from all the rows, no flag consulted. */
function recompute(tables: Tables, viewerId: number): Map<number, PageMessage> {
  const byId = new Map(tables.messages.map((m) => [m.id, m]));
  const reactionsOf = Map.groupBy(tables.reactions, (r) => r.message_id);
  const attachmentsOf = Map.groupBy(tables.attachments, (a) => a.message_id);
  return new Map(
    tables.messages.map((m) => [
      m.id,
      recomputedPageMessage(m, {
        reactions: reactionsOf.get(m.id) ?? [],
        attachments: attachmentsOf.get(m.id) ?? [],
        repliedTo: m.reply_to_id === null ? undefined : byId.get(m.reply_to_id),
        viewerId,
      }),
    ]),
  );
}

/**
 * Reads every channel end to end, every thread of the busiest channel, pages around anchors and
 * the first unread message, for two viewers, and holds each page's messages against the
 * recomputation. Returns how many pages it read and how many decorated messages they held.
 */
async function expectEveryPageRecomputed(step: string, target: WaddleDatabase, tables: Tables) {
  const ids = (page: MessagePage) => page.messages.map((m) => m.id);
  let pages = 0;
  let decorated = 0;
  for (const viewerId of VIEWERS) {
    const expected = recompute(tables, viewerId);
    const read = async (scope: MessageScope, options: Omit<PageOptions, 'viewerId'>) => {
      const page = await getMessagePage(target, scope, { ...options, viewerId });
      pages += 1;
      decorated += page.messages.filter((m) => m.reactions.length > 0 || m.attachments.length > 0 || m.replyTo !== null).length;
      expect({ step, scope, options, viewerId, messages: page.messages }).toEqual({
        step,
        scope,
        options,
        viewerId,
        messages: ids(page).map((id) => expected.get(id)),
      });
      return page;
    };
    for (let channelId = 1; channelId <= SHAPE.channels; channelId++) {
      const seen: number[] = [];
      let page = await read({ channelId }, { anchor: 'newest', before: 100 });
      seen.unshift(...ids(page));
      while (page.olderCursor) {
        page = await read({ channelId }, { cursor: page.olderCursor, before: 100 });
        seen.unshift(...ids(page));
      }
      expect({ step, channelId, seen }).toEqual({
        step,
        channelId,
        seen: tables.messages.filter((m) => m.channel_id === channelId).map((m) => m.id),
      });
    }
    for (let threadId = 1; threadId <= SHAPE.threadsInBusiestChannel; threadId++)
      await read({ threadId }, { anchor: 'oldest', after: 100 });
    const channelOne = tables.messages.filter((m) => m.channel_id === 1);
    for (let i = 1; i <= 8; i++)
      await read({ channelId: 1 }, { anchor: channelOne[Math.floor((channelOne.length * i) / 9)]!.id, before: 7, after: 9 });
    await read({ channelId: 1 }, { anchor: 'first_unread', before: 10, after: 30 });
  }
  return { pages, decorated };
}

async function everyDrift(target: WaddleDatabase): Promise<ActivityDrift[]> {
  const drift: ActivityDrift[] = [];
  let after: DriftScan['next'] = null;
  do {
    const scan = await findActivityDrift(target, { after, limit: 1000 });
    drift.push(...scan.drift);
    after = scan.next;
  } while (after);
  return drift;
}

/** After each kind of write, every page equals the recomputation and the drift check finds nothing. */
async function check(step: string) {
  const { pages, decorated } = await expectEveryPageRecomputed(step, waddle, await readTables(d1));
  expect(await everyDrift(waddle)).toEqual([]);
  return { pages, decorated };
}

const messageIds = async (where = 'is_deleted = 0') =>
  (await d1.prepare(`SELECT id FROM messages WHERE ${where}`).all<{ id: number }>()).results.map((r) => r.id);

describe("the message page on the benchmark's synthetic waddle (4,000 messages, local D1)", () => {
  it('draws what the tables say, in-process and through D1, before any write', async () => {
    for (const viewerId of VIEWERS)
      await markRead(waddle, { userId: viewerId, channelId: 1, messageId: (await messageIds('channel_id = 1'))[300 + viewerId]!, at: now });
    const { pages, decorated } = await check('as built');
    expect(pages).toBeGreaterThan(100);
    expect(decorated).toBeGreaterThan(500);

    // The same pages from the same file in this process (node:sqlite): raw() and reused statements agree with D1.
    const copy = join(directory, 'in-process.sqlite');
    copyFileSync(join(directory, 'synthetic.sqlite'), copy);
    const inProcess = openNodeSqliteDatabase(copy);
    try {
      const target = openWaddleDatabase(inProcess);
      for (const viewerId of VIEWERS)
        await markRead(target, {
          userId: viewerId,
          channelId: 1,
          messageId: (await messageIds('channel_id = 1'))[300 + viewerId]!,
          at: now,
        });
      await expectEveryPageRecomputed('in-process', target, await readTables(inProcess));
    } finally {
      inProcess.close();
    }
  });

  it('draws what the tables say after each kind of write', async () => {
    const react = (messageId: number, emoji: string, userId: number) =>
      d1
        .prepare('INSERT INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING')
        .bind(messageId, emoji, userId, now + Math.floor(next() * 1000))
        .run();
    const live = await messageIds();
    for (let i = 0; i < 300; i++) await react(pick(live), pick(EMOJI), 1 + Math.floor(next() * SHAPE.authors));
    await check('reactions added');

    const { results: reactions } = await d1
      .prepare('SELECT message_id, emoji, user_id FROM reactions')
      .all<{ message_id: number; emoji: string; user_id: number }>();
    for (let i = 0; i < 300; i++) {
      const r = pick(reactions);
      await d1
        .prepare('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ? RETURNING message_id')
        .bind(r.message_id, r.emoji, r.user_id)
        .all();
    }
    await check('reactions removed');

    for (let i = 0; i < 80; i++) {
      await d1
        .prepare(
          "INSERT INTO message_attachments (message_id, filename, size_bytes, mime_type, url) VALUES (?, 'ice.png', ?, 'image/png', 'https://cdn.example/ice.png')",
        )
        .bind(pick(live), i)
        .run();
    }
    await check('attachments added');

    const posted = await postMessages(
      waddle,
      Array.from({ length: 40 }, (_, i) => ({
        channelId: 1,
        threadId: i % 2 === 0 ? 1 + (i % SHAPE.threadsInBusiestChannel) : null,
        authorId: 1 + (i % 7),
        content: `a reply ${i}`,
        replyToId: pick(live),
        createdAt: now + 1000 + i,
      })),
    );
    for (const message of posted.slice(0, 10)) await react(message.id, '👍', 1);
    await check('replies posted');

    const { results: replied } = await d1
      .prepare('SELECT DISTINCT reply_to_id AS id FROM messages WHERE reply_to_id IS NOT NULL')
      .all<{ id: number }>();
    for (const { id } of replied.slice(0, 60))
      await editMessage(waddle, { messageId: id, content: `edited ${'🐧'.repeat(150)} ${id}`, editedAt: now + 2000 });
    await check('replied messages edited');

    const decorated = await messageIds('is_deleted = 0 AND decorations <> 0');
    for (const id of [...decorated.slice(0, 40), ...replied.slice(60, 100).map((r) => r.id)]) await deleteMessage(waddle, id);
    await check('decorated and replied messages tombstoned');

    for (const { id } of replied.slice(100, 130)) await d1.prepare('DELETE FROM messages WHERE id = ?').bind(id).run();
    await check('replied messages hard-deleted');

    // An erasure as the privacy job runs it, over this database registered in a directory.
    const central = openNodeSqliteDatabase(':memory:');
    const { error } = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
    expect(error).toBeUndefined();
    await central.batch([
      central.prepare("INSERT INTO users (id, username, email) VALUES (1, 'owner', NULL), (3, 'erased', 'erased@example.com')"),
      statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: DATABASE_ID, schemaVersion: null }, 0)),
      central
        .prepare(
          "INSERT INTO waddles (id, name, display_name, owner_id, is_public, d1_database_id, primary_database_id) VALUES (1, 'bench', 'Bench', 1, 1, ?1, (SELECT id FROM databases WHERE d1_database_id = ?1))",
        )
        .bind(DATABASE_ID),
      central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (1, 1), (1, 3)'),
    ]);
    const before = (await d1.prepare('SELECT count(*) AS n FROM reactions WHERE user_id = 3').first<{ n: number }>())!.n;
    const job = await runJobToEnd(
      central,
      [({ d1DatabaseId }) => (d1DatabaseId === DATABASE_ID ? d1 : undefined)],
      (await startErasure(central, 3, 'operator', now)).id,
      { clock: () => now },
    );
    expect(job.status).toBe('done');
    expect(before).toBeGreaterThan(0);
    expect((await d1.prepare('SELECT count(*) AS n FROM reactions WHERE user_id = 3').first<{ n: number }>())!.n).toBe(0);
    expect(
      (await d1.prepare('SELECT count(*) AS n FROM messages WHERE user_id = 3 AND content IS NOT NULL').first<{ n: number }>())!.n,
    ).toBe(0);
    central.close();
    await check('a user erased');
  });
});
