import { rmSync } from 'node:fs';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { searchableText } from '@waddle/queries/search/searchable-text';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { randomSource, syntheticMessage } from './synthetic-content.ts';
import { addSyntheticFollows, addSyntheticRoles, syntheticMentions } from './synthetic-mentions.ts';

export interface SyntheticWaddleShape {
  readonly messages: number;
  readonly channels: number;
  readonly threads: number;
  readonly authors: number;
  /** Threads of channel 1, the channel the thread benchmarks read. */
  readonly threadsInBusiestChannel: number;
  /** The time of the newest message; the first is a year earlier. */
  readonly now: number;
}

export const DEFAULT_SHAPE: Omit<SyntheticWaddleShape, 'messages' | 'now'> = {
  channels: 50,
  threads: 20_000,
  authors: 5_000,
  threadsInBusiestChannel: 5_000,
};

const YEAR_MS = 365 * 24 * 3600 * 1000;

/**
 * Builds a synthetic waddle in an SQLite file with the real migrations and the real triggers:
 * channel 1 holds a fifth of the messages, 5,000 threads and bursts of 150 messages within a
 * few seconds; six messages in ten are in a thread; authors and words follow skewed
 * distributions; timestamps span a year, some sharing a millisecond; and a few percent of messages carry reactions, attachments, replies,
 * edits and deletions; 2 % mention a member, a role or everyone (see `synthetic-mentions.ts`). Messages are indexed with the library's `searchableText`, as the write
 * path does. Written in-process (node:sqlite) because a million inserts through D1 would take
 * far longer; the file is then served by local D1 for the measurements.
 */
export async function buildSyntheticWaddle(path: string, shape: SyntheticWaddleShape, progress: (done: number) => void): Promise<void> {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
  const database = openNodeSqliteDatabase(path);
  const { error } = await new Migrator({ database, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  const db = database.handle;
  db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF');
  const next = randomSource(20261125);
  const start = shape.now - YEAR_MS;

  db.exec('BEGIN');
  const channel = db.prepare('INSERT INTO channels (id, name, created_by, created_at) VALUES (?, ?, 1, ?)');
  for (let id = 1; id <= shape.channels; id++) channel.run(id, `channel-${id}`, start);
  const thread = db.prepare('INSERT INTO threads (id, channel_id, title, created_by, created_at) VALUES (?, ?, ?, ?, ?)');
  const threadChannel: number[] = [0];
  for (let id = 1; id <= shape.threads; id++) {
    const channelId = id <= shape.threadsInBusiestChannel ? 1 : 2 + ((id - shape.threadsInBusiestChannel) % (shape.channels - 1));
    thread.run(id, channelId, `topic ${id}`, 1 + (id % shape.authors), start);
    threadChannel.push(channelId);
  }
  addSyntheticRoles(db, shape.authors);
  db.exec('COMMIT');

  const threadsOf = new Map<number, number[]>();
  threadChannel.forEach((channelId, threadId) => {
    if (threadId > 0) threadsOf.set(channelId, [...(threadsOf.get(channelId) ?? []), threadId]);
  });
  const insert = db.prepare(
    'INSERT INTO messages (channel_id, thread_id, user_id, content, reply_to_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const index = db.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)');
  const react = db.prepare('INSERT OR IGNORE INTO reactions (message_id, emoji, user_id, created_at) VALUES (?, ?, ?, ?)');
  const attach = db.prepare(
    'INSERT INTO message_attachments (message_id, filename, size_bytes, mime_type, url, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const edit = db.prepare('UPDATE messages SET content = ?, edited_at = ? WHERE id = ? AND is_deleted = 0');
  const tombstone = db.prepare('UPDATE messages SET is_deleted = 1, content = NULL WHERE id = ?');
  const lastInChannel = new Map<number, number>();
  const nextMention = syntheticMentions(shape.authors);
  const mention = db.prepare(
    'INSERT INTO message_mentions (message_id, kind, target_id, channel_id, thread_id, author_id) VALUES (?, ?, ?, ?, ?, ?)',
  );

  let createdAt = start;
  const gap = YEAR_MS / shape.messages;
  let burst = 0;
  db.exec('BEGIN');
  for (let id = 1; id <= shape.messages; id++) {
    // Now and then channel 1 gets a burst: 150 messages within a few seconds, many in the same second.
    if (burst === 0 && next() < 0.0005) burst = 150;
    const channelId = burst > 0 || next() < 0.2 ? 1 : 2 + Math.floor(next() * (shape.channels - 1));
    if (burst > 0) burst -= 1;
    const threads = threadsOf.get(channelId);
    const threadId = threads && next() < 0.6 ? threads[Math.floor(threads.length * next())]! : null;
    const author = 1 + Math.floor(shape.authors * next() ** 2);
    const mentioned = nextMention();
    const content = mentioned ? `${syntheticMessage(next)} ${mentioned.text}` : syntheticMessage(next);
    if (burst > 0) createdAt += Math.round(20 * next());
    else if (next() > 0.05) createdAt += Math.round(gap * 2 * next());
    const previous = lastInChannel.get(channelId);
    const replyTo = previous !== undefined && next() < 0.05 ? previous : null;
    insert.run(channelId, threadId, author, content, replyTo, Math.min(createdAt, shape.now));
    index.run(id, searchableText(content));
    if (mentioned) mention.run(id, mentioned.kind, mentioned.targetId, channelId, threadId, author);
    lastInChannel.set(channelId, id);
    if (next() < 0.1) {
      for (let r = 0; r < 1 + Math.floor(next() * 3); r++)
        react.run(id, ['👍', '🐧', '🎉', '😂'][r]!, 1 + Math.floor(shape.authors * next()), createdAt);
    }
    if (next() < 0.02)
      attach.run(id, `photo-${id}.jpg`, 1000 + Math.floor(next() * 5e6), 'image/jpeg', `https://cdn.example/${id}.jpg`, createdAt);
    if (id > 100 && next() < 0.01) {
      const target = id - Math.floor(next() * 100);
      const changed = syntheticMessage(next);
      if (edit.run(changed, createdAt, target).changes > 0) index.run(target, searchableText(changed));
    }
    if (id > 100 && next() < 0.01) tombstone.run(id - Math.floor(next() * 100));
    if (id % 20_000 === 0) {
      db.exec('COMMIT');
      progress(id);
      db.exec('BEGIN');
    }
  }
  addSyntheticFollows(db, shape.threads, shape.messages);
  db.exec('COMMIT');
  progress(shape.messages);
  database.close();
}
