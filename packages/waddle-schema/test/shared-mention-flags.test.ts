import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { describe, expect, it } from 'vitest';
import { waddleMigrations } from '../src/migrations/index.ts';

const UP_TO_0029 = waddleMigrations.slice(0, waddleMigrations.findIndex((m) => m.name === '0029_flag_shared_mention_messages') + 1);
const migrator = (migrations: typeof waddleMigrations) => new Migrator({ database: env.DB, migrations });

async function rows(sql: string): Promise<unknown[]> {
  return (await env.DB.prepare(sql).all()).results;
}

const flags = () => rows('SELECT message_id, kind, target_id, shares_message FROM message_mentions ORDER BY message_id, kind, target_id');
const indexColumns = (index: string) => rows(`SELECT name FROM pragma_index_info('${index}') ORDER BY seqno`);

describe('message_mentions.shares_message (migration 0029)', () => {
  it('is backfilled for the mentions already there, kept by triggers afterwards, and goes with its down migration', async () => {
    await reset();
    expect((await migrator(UP_TO_0029.slice(0, -1)).migrateToLatest()).error).toBeUndefined();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1)"),
      env.DB.prepare("INSERT INTO messages (id, channel_id, user_id, content) VALUES (1, 1, 1, '<@2> <@&7>'), (2, 1, 1, '<@3>')"),
      env.DB.prepare(
        "INSERT INTO message_mentions (message_id, kind, target_id, channel_id, author_id) VALUES (1, 'user', 2, 1, 1), (1, 'role', 7, 1, 1), (2, 'user', 3, 1, 1)",
      ),
    ]);

    expect((await migrator(UP_TO_0029).migrateToLatest()).error).toBeUndefined();
    expect(await flags()).toEqual([
      { message_id: 1, kind: 'role', target_id: 7, shares_message: 1 },
      { message_id: 1, kind: 'user', target_id: 2, shares_message: 1 },
      { message_id: 2, kind: 'user', target_id: 3, shares_message: 0 },
    ]);
    expect((await indexColumns('message_mentions_by_target_in_channel')).at(-1)).toEqual({ name: 'shares_message' });
    expect((await indexColumns('message_mentions_by_target_in_thread')).at(-1)).toEqual({ name: 'shares_message' });

    // A second row flags both; deleting it leaves the first alone again.
    await env.DB.prepare(
      "INSERT INTO message_mentions (message_id, kind, target_id, channel_id, author_id) VALUES (2, 'everyone', 0, 1, 1)",
    ).run();
    expect(await rows('SELECT kind, shares_message FROM message_mentions WHERE message_id = 2 ORDER BY kind')).toEqual([
      { kind: 'everyone', shares_message: 1 },
      { kind: 'user', shares_message: 1 },
    ]);
    await env.DB.prepare("DELETE FROM message_mentions WHERE message_id = 2 AND kind = 'everyone'").run();
    expect(await rows('SELECT kind, shares_message FROM message_mentions WHERE message_id = 2')).toEqual([
      { kind: 'user', shares_message: 0 },
    ]);
    await expect(env.DB.prepare('UPDATE message_mentions SET shares_message = 2 WHERE message_id = 2').run()).rejects.toThrow(
      /CHECK constraint failed/,
    );

    expect((await migrator(UP_TO_0029).migrateDown()).error).toBeUndefined();
    expect(await rows("SELECT name FROM pragma_table_info('message_mentions') WHERE name = 'shares_message'")).toEqual([]);
    expect(await rows("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'message_mentions_%flag%'")).toEqual([]);
    expect(await indexColumns('message_mentions_by_target_in_thread')).toEqual(
      ['kind', 'target_id', 'thread_id', 'message_id', 'author_id'].map((name) => ({ name })),
    );
    await env.DB.prepare(
      "INSERT INTO message_mentions (message_id, kind, target_id, channel_id, author_id) VALUES (2, 'here', 0, 1, 1)",
    ).run();
  });
});
