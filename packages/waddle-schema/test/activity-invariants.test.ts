import { env } from 'cloudflare:test';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import type { DB } from '../src/generated/database.ts';
import { freshWaddleDatabase } from './migrated-database.ts';
import { random } from './seeded-random.ts';

const CHANNELS = [1, 2, 3];
const THREADS = [
  { id: 1, channel: 1 },
  { id: 2, channel: 1 },
  { id: 3, channel: 2 },
  { id: 4, channel: 3 },
];

/**
 * A writer as the query library writes: every message is indexed in the same batch that inserts
 * it, and re-indexed in the batch that edits it. Everything else (counters, last message,
 * removal from the index) is left to the schema's triggers, which is what this test checks.
 */
const writer = {
  insert: (channel: number, thread: number | null, content: string, createdAt: number) =>
    env.DB.batch([
      env.DB.prepare('INSERT INTO messages (channel_id, thread_id, user_id, content, created_at) VALUES (?, ?, 1, ?, ?)').bind(
        channel,
        thread,
        content,
        createdAt,
      ),
      env.DB.prepare('INSERT INTO messages_fts (rowid, body) VALUES (last_insert_rowid(), ?)').bind(content),
    ]),
  edit: (id: number, content: string) =>
    env.DB.batch([
      env.DB.prepare('UPDATE messages SET content = ?, edited_at = ? WHERE id = ? AND is_deleted = 0').bind(content, Date.now(), id),
      env.DB.prepare('INSERT INTO messages_fts (rowid, body) SELECT id, content FROM messages WHERE id = ? AND is_deleted = 0').bind(id),
    ]),
  tombstone: (id: number) =>
    env.DB.prepare('UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0 WHERE id = ?').bind(id).run(),
  hardDelete: (id: number) => env.DB.prepare('DELETE FROM messages WHERE id = ?').bind(id).run(),
  moveToThread: (id: number, thread: { id: number } | null, channel: number) =>
    env.DB.prepare('UPDATE messages SET channel_id = ?, thread_id = ? WHERE id = ?')
      .bind(channel, thread?.id ?? null, id)
      .run(),
  moveThread: (thread: number, channel: number) =>
    env.DB.prepare('UPDATE threads SET channel_id = ? WHERE id = ?').bind(channel, thread).run(),
};

interface Activity {
  message_count: number;
  last_message_id: number | null;
  last_message_at: number | null;
}

/** What the activity of each thread and channel should be, computed from `messages` alone. */
async function recomputeFromMessages(db: Kysely<DB>) {
  const messages = await db
    .selectFrom('messages')
    .select(['id', 'channel_id', 'thread_id', 'is_deleted', 'created_at'])
    .orderBy('id')
    .execute();
  const expected = (keep: (m: (typeof messages)[number]) => boolean): Activity => {
    const live = messages.filter((m) => m.is_deleted === 0 && keep(m));
    const last = live.at(-1);
    return { message_count: live.length, last_message_id: last?.id ?? null, last_message_at: last?.created_at ?? null };
  };
  const threads = await db.selectFrom('threads').select(['id']).orderBy('id').execute();
  const channels = await db.selectFrom('channels').select(['id']).orderBy('id').execute();
  return {
    threads: threads.map((t) => ({ id: t.id, ...expected((m) => m.thread_id === t.id) })),
    channels: channels.map((c) => ({ id: c.id, ...expected((m) => m.channel_id === c.id) })),
  };
}

async function storedActivity(db: Kysely<DB>) {
  const columns = ['id', 'message_count', 'last_message_id', 'last_message_at'] as const;
  return {
    threads: await db.selectFrom('threads').select(columns).orderBy('id').execute(),
    channels: await db.selectFrom('channels').select(columns).orderBy('id').execute(),
  };
}

async function search(word: string): Promise<number[]> {
  const { results } = await env.DB.prepare('SELECT rowid AS id FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid')
    .bind(word)
    .all<{ id: number }>();
  return results.map((r) => r.id);
}

describe('denormalized activity and the search index', () => {
  it.each([1, 2, 3, 4, 5])('equal a recomputation from messages after random writes (seed %i)', async (seed) => {
    const db = await freshWaddleDatabase();
    await db
      .insertInto('channels')
      .values(CHANNELS.map((id) => ({ id, name: `c${id}`, created_by: 1 })))
      .execute();
    await db
      .insertInto('threads')
      .values(THREADS.map((t) => ({ id: t.id, channel_id: t.channel, title: `t${t.id}`, created_by: 1 })))
      .execute();

    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const threadChannel = new Map(THREADS.map((t) => [t.id, t.channel]));
    /** The text each message holds now (undefined: tombstoned or deleted); words are unique per version. */
    const current = new Map<number, string | undefined>();
    const everyWord: string[] = [];
    let version = 0;
    const clock = testClock();
    const liveIds = () => [...current].filter(([, text]) => text !== undefined).map(([id]) => id);
    const text = () => {
      const word = `w${++version}x`;
      everyWord.push(word);
      return `common ${word}`;
    };

    for (let step = 0; step < 250; step++) {
      const roll = next();
      const ids = liveIds();
      if (roll < 0.45 || ids.length === 0) {
        const thread = next() < 0.6 ? pick(THREADS) : null;
        const channel = thread ? threadChannel.get(thread.id)! : pick(CHANNELS);
        const content = text();
        clock.advance(Math.floor(next() * 3)); // ties on created_at happen often
        const [inserted] = await writer.insert(channel, thread?.id ?? null, content, clock.now());
        current.set(inserted!.meta.last_row_id!, content);
      } else if (roll < 0.6) {
        const id = pick(ids);
        const content = text();
        await writer.edit(id, content);
        current.set(id, content);
      } else if (roll < 0.72) {
        const id = pick(ids);
        await writer.tombstone(id);
        current.set(id, undefined);
      } else if (roll < 0.78) {
        const id = pick([...current.keys()]);
        await writer.hardDelete(id);
        current.delete(id);
      } else if (roll < 0.92) {
        const thread = next() < 0.7 ? pick(THREADS) : null;
        const channel = thread ? threadChannel.get(thread.id)! : pick(CHANNELS);
        await writer.moveToThread(pick(ids), thread, channel);
      } else {
        const thread = pick(THREADS);
        const channel = pick(CHANNELS);
        await writer.moveThread(thread.id, channel);
        threadChannel.set(thread.id, channel);
      }
    }

    expect(await storedActivity(db)).toEqual(await recomputeFromMessages(db));

    const live = liveIds().sort((a, b) => a - b);
    expect(await search('common')).toEqual(live);
    for (const word of everyWord) {
      const holder = [...current].find(([, content]) => content?.endsWith(` ${word}`));
      expect({ word, found: await search(word) }).toEqual({ word, found: holder ? [holder[0]] : [] });
    }
  });
});
