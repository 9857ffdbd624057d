import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { describe, expect, it } from 'vitest';
import { waddleMigrations } from '../src/migrations/index.ts';
import { freshWaddleDatabase } from './migrated-database.ts';
import { random } from './seeded-random.ts';

const EMOJI = ['👍', '🐧', '🎉'];
const ACTIONS = [
  'react',
  'attach',
  'reactAgain',
  'unreact',
  'eraseReactionsOf',
  'moveReaction',
  'detach',
  'moveAttachment',
  'tombstone',
  'eraseMessagesOf',
  'hardDelete',
  'post',
] as const;

/** Messages whose `decorations` differ from what `reactions` and `message_attachments` hold. */
async function flagDrift() {
  const { results } = await env.DB.prepare(
    `SELECT id, decorations, (EXISTS (SELECT 1 FROM reactions WHERE message_id = m.id))
        | (EXISTS (SELECT 1 FROM message_attachments WHERE message_id = m.id) << 1) AS actual
     FROM messages m WHERE decorations <> actual`,
  ).all();
  return results;
}

/**
 * Every way a statement can change what a message has to show beside it, written the way the
 * API, the query library, the erasure and the schema's own triggers write it, plus the SQL
 * forms nobody writes today (moving a row to another message, REPLACE) that must not break it.
 */
function writer(next: () => number, pick: <T>(items: readonly T[]) => T) {
  const run = (sql: string, ...values: unknown[]) =>
    env.DB.prepare(sql)
      .bind(...values)
      .run();
  return {
    post: (channel: number) => run("INSERT INTO messages (channel_id, user_id, content) VALUES (?, 1, 'hello')", channel),
    react: (message: number) =>
      run(
        'INSERT INTO reactions (message_id, emoji, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        message,
        pick(EMOJI),
        1 + Math.floor(next() * 4),
      ),
    reactAgain: (message: number) =>
      run(
        'INSERT OR REPLACE INTO reactions (message_id, emoji, user_id) VALUES (?, ?, ?)',
        message,
        pick(EMOJI),
        1 + Math.floor(next() * 4),
      ),
    unreact: (message: number) =>
      run('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?', message, pick(EMOJI), 1 + Math.floor(next() * 4)),
    eraseReactionsOf: (user: number) =>
      run(
        'DELETE FROM reactions WHERE user_id = ? AND (message_id, emoji) IN (SELECT message_id, emoji FROM reactions WHERE user_id = ? LIMIT 500)',
        user,
        user,
      ),
    moveReaction: (from: number, to: number) =>
      run(
        'UPDATE OR IGNORE reactions SET message_id = ? WHERE (message_id, emoji, user_id) IN (SELECT message_id, emoji, user_id FROM reactions WHERE message_id = ? LIMIT 1)',
        to,
        from,
      ),
    attach: (message: number) =>
      run("INSERT INTO message_attachments (message_id, filename, size_bytes, url) VALUES (?, 'a.png', 1, 'https://x/a.png')", message),
    detach: (message: number) =>
      run('DELETE FROM message_attachments WHERE id IN (SELECT id FROM message_attachments WHERE message_id = ? LIMIT 1)', message),
    moveAttachment: (from: number, to: number) =>
      run(
        'UPDATE message_attachments SET message_id = ? WHERE id IN (SELECT id FROM message_attachments WHERE message_id = ? LIMIT 1)',
        to,
        from,
      ),
    tombstone: (message: number) =>
      run('UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0 WHERE id = ? AND is_deleted = 0', message),
    eraseMessagesOf: () =>
      run(
        'UPDATE messages SET is_deleted = 1, content = NULL, metadata = NULL, is_pinned = 0, edit_count = 0, edited_at = NULL WHERE id IN (SELECT id FROM messages WHERE user_id = 1 AND id % 7 = 0 ORDER BY id LIMIT 200)',
      ),
    hardDelete: (message: number) => run('DELETE FROM messages WHERE id = ?', message),
  };
}

describe('messages.decorations', () => {
  it.each([1, 2, 3, 4, 5])('says exactly which messages have reactions or attachments after every write (seed %i)', async (seed) => {
    const db = await freshWaddleDatabase();
    await db
      .insertInto('channels')
      .values([1, 2].map((id) => ({ id, name: `c${id}`, created_by: 1 })))
      .execute();
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const write = writer(next, pick);
    const live = async () =>
      (await env.DB.prepare('SELECT id FROM messages WHERE is_deleted = 0').all<{ id: number }>()).results.map((r) => r.id);
    for (let i = 0; i < 12; i++) await write.post(1 + (i % 2));

    const counts: Record<string, number> = {};
    for (let step = 0; step < 200; step++) {
      const ids = await live();
      if (ids.length < 3) await write.post(pick([1, 2]));
      const [a, b] = [pick(ids), pick(ids)];
      const roll = next();
      // Every kind of write once first, then at random.
      const action =
        step < ACTIONS.length
          ? ACTIONS[step]!
          : roll < 0.3
            ? 'react'
            : roll < 0.38
              ? 'reactAgain'
              : roll < 0.55
                ? 'unreact'
                : roll < 0.58
                  ? 'eraseReactionsOf'
                  : roll < 0.63
                    ? 'moveReaction'
                    : roll < 0.75
                      ? 'attach'
                      : roll < 0.82
                        ? 'detach'
                        : roll < 0.86
                          ? 'moveAttachment'
                          : roll < 0.93
                            ? 'tombstone'
                            : roll < 0.95
                              ? 'eraseMessagesOf'
                              : roll < 0.98
                                ? 'hardDelete'
                                : 'post';
      counts[action] = (counts[action] ?? 0) + 1;
      if (
        action === 'react' ||
        action === 'reactAgain' ||
        action === 'unreact' ||
        action === 'attach' ||
        action === 'detach' ||
        action === 'tombstone' ||
        action === 'hardDelete'
      )
        await write[action](a!);
      else if (action === 'eraseReactionsOf') await write.eraseReactionsOf(1 + Math.floor(next() * 4));
      else if (action === 'moveReaction' || action === 'moveAttachment') await write[action](a!, b!);
      else if (action === 'eraseMessagesOf') await write.eraseMessagesOf();
      else await write.post(pick([1, 2]));
      expect({ step, action, drift: await flagDrift() }).toEqual({ step, action, drift: [] });
    }
    expect(Object.keys(counts).sort()).toEqual([...ACTIONS].sort());
    const { results: flagged } = await env.DB.prepare('SELECT decorations, count(*) AS n FROM messages GROUP BY decorations').all<{
      decorations: number;
      n: number;
    }>();
    expect(flagged.filter((f) => f.decorations > 0).length).toBeGreaterThan(0);
  });

  it('is backfilled by its migration for the reactions and attachments already there, and goes with its down migration', async () => {
    const upTo0020 = waddleMigrations.slice(0, waddleMigrations.findIndex((m) => m.name === '0020_flag_message_decorations') + 1);
    const migrator = (migrations: typeof waddleMigrations) => new Migrator({ database: env.DB, migrations });
    const hasColumn = async () =>
      (await env.DB.prepare("SELECT count(*) AS n FROM pragma_table_info('messages') WHERE name = 'decorations'").first<{ n: number }>())!
        .n === 1;
    await reset();
    expect((await migrator(upTo0020.slice(0, -1)).migrateToLatest()).error).toBeUndefined();
    expect(await hasColumn()).toBe(false);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)"),
      env.DB.prepare("INSERT INTO messages (channel_id, user_id, content) VALUES (1, 1, 'a'), (1, 1, 'b'), (1, 1, 'c'), (1, 1, 'd')"),
      env.DB.prepare("INSERT INTO reactions (message_id, emoji, user_id) VALUES (1, '👍', 2), (1, '🐧', 3), (3, '👍', 2)"),
      env.DB.prepare(
        "INSERT INTO message_attachments (message_id, filename, size_bytes, url) VALUES (3, 'a', 1, 'https://x/a'), (4, 'b', 1, 'https://x/b')",
      ),
    ]);

    expect((await migrator(upTo0020).migrateToLatest()).error).toBeUndefined();
    const { results } = await env.DB.prepare('SELECT id, decorations FROM messages ORDER BY id').all();
    expect(results).toEqual([
      { id: 1, decorations: 1 },
      { id: 2, decorations: 0 },
      { id: 3, decorations: 3 },
      { id: 4, decorations: 2 },
    ]);

    expect((await migrator(upTo0020).migrateDown()).error).toBeUndefined();
    expect(await hasColumn()).toBe(false);
    const { results: triggers } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%flag_message%'",
    ).all();
    expect(triggers).toEqual([]);
    await env.DB.prepare("INSERT INTO reactions (message_id, emoji, user_id) VALUES (2, '🎉', 2)").run();
  });
});
