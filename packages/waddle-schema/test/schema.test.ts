import { env } from 'cloudflare:test';
import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../src/generated/database.ts';
import { waddleMigrations } from '../src/migrations/index.ts';
import { freshWaddleDatabase } from './migrated-database.ts';

/** The draft's per-waddle tables and columns, plus this schema's additions (marked). */
const expectedColumns: Record<string, string[]> = {
  categories: ['id', 'name', 'position', 'collapsed_by_default', 'created_at'],
  channels: [
    'id',
    'name',
    'type',
    'description',
    'position',
    'category_id',
    /* removed by 0023: private is the @everyone overwrite */
    'is_archived',
    'thread_mode',
    'slow_mode_seconds',
    'auto_archive_hours',
    'created_by',
    'created_at',
    /* added: activity */ 'message_count',
    'last_message_id',
    'last_message_at',
  ],
  messages: [
    'id',
    'channel_id',
    'thread_id',
    'user_id',
    'content',
    'content_type',
    'metadata',
    'reply_to_id',
    'edit_count',
    'is_pinned',
    'is_deleted',
    'created_at',
    'edited_at',
    /* added: what a page looks up */ 'decorations',
    /* added: a reply to a message of an older shard */ 'reply_to_elsewhere_id',
  ],
  reactions: ['message_id', 'emoji', 'user_id', 'created_at'],
  threads: ['id', 'channel_id', 'title', 'created_by', 'message_count', 'last_message_id', 'last_message_at', 'is_locked', 'created_at'],
  roles: ['id', 'name', 'color', 'permissions', 'position', 'is_mentionable', 'created_at', /* added */ 'is_default'],
  member_roles: ['user_id', 'role_id', 'granted_by', 'granted_at'],
  bans: ['user_id', 'reason', 'banned_by', 'banned_at', 'expires_at'],
  voice_sessions: [
    'id',
    'channel_id',
    'rtk_session_id',
    'started_at',
    'ended_at',
    'max_participants',
    'recording_url',
    /* added */ 'started_by',
  ],
  message_attachments: ['id', 'message_id', 'filename', 'size_bytes', 'mime_type', 'url', 'created_at', /* added */ 'object_key'],
  /* added: objects of deleted attachments, waiting to leave the bucket */ attachment_object_deletions: ['object_key', 'user_id'],
  /* added */ message_edits: ['id', 'message_id', 'previous_content', 'edited_at'],
  /* added */ read_states: ['user_id', 'channel_id', 'last_read_message_id', 'updated_at'],
  /* added */ slow_mode_clocks: ['channel_id', 'user_id', 'last_message_at'],
  /* added */ message_mentions: ['message_id', 'kind', 'target_id', 'channel_id', 'thread_id', 'author_id', 'shares_message'],
  /* added */ thread_follows: ['user_id', 'thread_id', 'following', 'muted', 'last_read_message_id'],
  /* added */ channel_notification_levels: ['user_id', 'channel_id', 'level', 'updated_at'],
  /* added */ channel_overwrites: ['channel_id', 'target_kind', 'target_id', 'allow', 'deny'],
  /* added */ shard_fence: ['id', 'sealed_at'],
  /* added */ voice_session_participants: ['id', 'session_id', 'user_id', 'joined_at', 'last_seen_at', 'left_at'],
};

/** Columns that could hold personal data; a waddle database refers to users by id only. */
const personalDataColumns = ['email', 'username', 'display_name', 'avatar_url', 'bio', 'ip_address', 'user_agent'];

let db: Kysely<DB>;
beforeEach(async () => {
  db = await freshWaddleDatabase();
});

async function columnsOf(table: string): Promise<string[]> {
  const { results } = await env.DB.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').bind(table).all<{ name: string }>();
  return results.map((r) => r.name);
}

describe('waddle schema', () => {
  it('migrates a fresh database to the latest version with the draft tables and the additions', async () => {
    const { results: recorded } = await env.DB.prepare('SELECT name FROM schema_migrations ORDER BY name').all<{ name: string }>();
    expect(recorded.map((r) => r.name)).toEqual(waddleMigrations.map((m) => m.name));

    const { results: tables } = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts_%' AND name <> 'schema_migrations' ORDER BY name",
    ).all<{ name: string }>();
    expect(tables.map((t) => t.name)).toEqual([...Object.keys(expectedColumns), 'messages_fts'].sort());

    for (const [table, columns] of Object.entries(expectedColumns)) {
      expect({ table, columns: await columnsOf(table) }).toEqual({ table, columns });
    }
    expect(await columnsOf('messages_fts')).toEqual(['body']);
  });

  it('keeps personal data out: no table has a column for it', async () => {
    for (const table of Object.keys(expectedColumns)) {
      const columns = await columnsOf(table);
      expect(columns.filter((c) => personalDataColumns.includes(c))).toEqual([]);
    }
  });

  describe('rejects bad values in the database itself', () => {
    beforeEach(async () => {
      await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
      await db.insertInto('channels').values({ id: 2, name: 'random', created_by: 1 }).execute();
      await db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'hello', created_by: 1 }).execute();
    });

    const insertChannel = (values: Record<string, unknown>) =>
      env.DB.prepare(
        `INSERT INTO channels (name, created_by, ${Object.keys(values).join(', ')}) VALUES ('c', 1, ${Object.keys(values)
          .map(() => '?')
          .join(', ')})`,
      )
        .bind(...Object.values(values))
        .run();

    it.each([
      ['an unknown channel type', { type: 'forum' }, /CHECK constraint failed/],
      ['an unknown thread mode', { thread_mode: 'sometimes' }, /CHECK constraint failed/],
      ['a boolean that is not 0 or 1', { is_archived: 2 }, /CHECK constraint failed/],
      ['a boolean given as text', { is_archived: 'yes' }, /cannot store TEXT value in INTEGER column/],
      ['a negative slow mode', { slow_mode_seconds: -1 }, /CHECK constraint failed/],
      ['an empty name', { name: '' }, /CHECK constraint failed/],
    ])('a channel with %s', async (_, values, error) => {
      const { name, ...rest } = values as Record<string, unknown>;
      const attempt =
        name === undefined ? insertChannel(rest) : env.DB.prepare('INSERT INTO channels (name, created_by) VALUES (?, 1)').bind(name).run();
      await expect(attempt).rejects.toThrow(error);
      expect(await db.selectFrom('channels').select('id').execute()).toHaveLength(2);
    });

    it.each([
      [
        'invalid JSON metadata',
        "INSERT INTO messages (channel_id, user_id, content, metadata) VALUES (1, 1, 'x', '{not json')",
        /CHECK constraint failed/,
      ],
      [
        'an unknown content type',
        "INSERT INTO messages (channel_id, user_id, content, content_type) VALUES (1, 1, 'x', 'video')",
        /CHECK constraint failed/,
      ],
      [
        'a tombstone that keeps its content',
        "INSERT INTO messages (channel_id, user_id, content, is_deleted) VALUES (1, 1, 'x', 1)",
        /CHECK constraint failed/,
      ],
      [
        'a text user id',
        "INSERT INTO messages (channel_id, user_id, content) VALUES (1, 'alice', 'x')",
        /cannot store TEXT value in INTEGER column/,
      ],
      [
        'content over 10,000 characters',
        "INSERT INTO messages (channel_id, user_id, content) VALUES (1, 1, printf('%.*c', 10001, 'x'))",
        /CHECK constraint failed/,
      ],
      ['an unknown channel', "INSERT INTO messages (channel_id, user_id, content) VALUES (99, 1, 'x')", /FOREIGN KEY constraint failed/],
      [
        'a thread of another channel',
        "INSERT INTO messages (channel_id, thread_id, user_id, content) VALUES (2, 1, 1, 'x')",
        /thread belongs to another channel/,
      ],
    ])('a message with %s', async (_, statement, error) => {
      await expect(env.DB.prepare(statement).run()).rejects.toThrow(error);
      expect(await db.selectFrom('messages').select('id').execute()).toEqual([]);
    });

    it.each([
      ['a reaction with an empty emoji', "INSERT INTO reactions (message_id, emoji, user_id) VALUES (1, '', 1)"],
      ['a role color that is not #rrggbb', "INSERT INTO roles (name, color) VALUES ('mod', 'red')"],
      ['a negative permission bitfield', "INSERT INTO roles (name, permissions) VALUES ('mod', -1)"],
      ['a ban that expires before it starts', 'INSERT INTO bans (user_id, banned_by, banned_at, expires_at) VALUES (5, 1, 100, 50)'],
      ['a voice session that ends before it starts', 'INSERT INTO voice_sessions (channel_id, started_at, ended_at) VALUES (1, 100, 50)'],
      [
        'an attachment of negative size',
        "INSERT INTO message_attachments (message_id, filename, size_bytes, url) VALUES (1, 'a.png', -1, 'https://x')",
      ],
    ])('%s', async (_, statement) => {
      await env.DB.prepare("INSERT INTO messages (id, channel_id, user_id, content) VALUES (1, 1, 1, 'x')").run();
      await expect(env.DB.prepare(statement).run()).rejects.toThrow(/CHECK constraint failed/);
    });

    it('keeps thread titles unique in a channel whatever their case', async () => {
      await expect(db.insertInto('threads').values({ channel_id: 1, title: 'HELLO', created_by: 2 }).execute()).rejects.toThrow(
        /UNIQUE constraint failed/,
      );
      await db.insertInto('threads').values({ channel_id: 2, title: 'hello', created_by: 2 }).execute();
    });
  });

  it('never reuses a message key, even after the newest message is hard-deleted', async () => {
    await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
    const first = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 1, content: 'a' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.deleteFrom('messages').where('id', '=', first.id).execute();
    const second = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 1, content: 'b' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(second.id).toBeGreaterThan(first.id);
  });

  it('keeps a reply to a message of another shard without a foreign key, never beside a local reply', async () => {
    await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
    const local = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 1, content: 'a' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // Message 5000 is in another database: no foreign key refuses it.
    const elsewhere = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 1, content: 'b', reply_to_elsewhere_id: 5000 })
      .returning(['reply_to_id', 'reply_to_elsewhere_id'])
      .executeTakeFirstOrThrow();
    expect(elsewhere).toEqual({ reply_to_id: null, reply_to_elsewhere_id: 5000 });
    await expect(
      db
        .insertInto('messages')
        .values({ channel_id: 1, user_id: 1, content: 'c', reply_to_id: local.id, reply_to_elsewhere_id: 5000 })
        .execute(),
    ).rejects.toThrow(/CHECK constraint failed/);
    await expect(
      db.insertInto('messages').values({ channel_id: 1, user_id: 1, content: 'd', reply_to_elsewhere_id: 0 }).execute(),
    ).rejects.toThrow(/CHECK constraint failed/);
  });

  it('records the previous text of every edit and counts it', async () => {
    await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
    const { id } = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 1, content: 'v1' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('messages').set({ content: 'v2', edited_at: 1000 }).where('id', '=', id).execute();
    await db.updateTable('messages').set({ content: 'v3', edited_at: 2000 }).where('id', '=', id).execute();
    await db.updateTable('messages').set({ is_pinned: 1 }).where('id', '=', id).execute();

    const message = await db
      .selectFrom('messages')
      .select(['content', 'edit_count', 'edited_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(message).toEqual({ content: 'v3', edit_count: 2, edited_at: 2000 });
    const edits = await db
      .selectFrom('message_edits')
      .select(['previous_content', 'edited_at'])
      .where('message_id', '=', id)
      .orderBy('id')
      .execute();
    expect(edits).toEqual([
      { previous_content: 'v1', edited_at: 1000 },
      { previous_content: 'v2', edited_at: 2000 },
    ]);
  });

  it('empties a tombstone: content, edit history, reactions and attachments go, the row stays', async () => {
    await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
    const { id } = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 1, content: 'secret' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.updateTable('messages').set({ content: 'secret 2' }).where('id', '=', id).execute();
    await db.insertInto('reactions').values({ message_id: id, emoji: '👍', user_id: 2 }).execute();
    await db
      .insertInto('message_attachments')
      .values({ message_id: id, filename: 'a.png', size_bytes: 1, url: 'https://x/a.png' })
      .execute();

    await db.updateTable('messages').set({ is_deleted: 1, content: null }).where('id', '=', id).execute();

    expect(await db.selectFrom('messages').select(['id', 'content', 'is_deleted']).execute()).toEqual([
      { id, content: null, is_deleted: 1 },
    ]);
    expect(await db.selectFrom('message_edits').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('reactions').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('message_attachments').selectAll().execute()).toEqual([]);
  });

  it("queues the bucket object of every attachment row deleted, with its message's author, and no row without one", async () => {
    await db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
    const { id } = await db
      .insertInto('messages')
      .values({ channel_id: 1, user_id: 7, content: 'files' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('message_attachments')
      .values([
        { message_id: id, filename: 'a.png', size_bytes: 1, url: '/v1/waddles/1/attachments/1', object_key: 'waddles/1/users/7/a' },
        { message_id: id, filename: 'b.png', size_bytes: 1, url: 'https://cdn.example/b.png' },
      ])
      .execute();
    await expect(
      db
        .insertInto('message_attachments')
        .values({ message_id: id, filename: 'c.png', size_bytes: 1, url: 'x', object_key: 'waddles/1/users/7/a' })
        .execute(),
    ).rejects.toThrow(/UNIQUE/);
    expect(await db.selectFrom('attachment_object_deletions').selectAll().execute()).toEqual([]);

    await db.updateTable('messages').set({ is_deleted: 1, content: null }).where('id', '=', id).execute();

    expect(await db.selectFrom('message_attachments').selectAll().execute()).toEqual([]);
    expect(await db.selectFrom('attachment_object_deletions').selectAll().execute()).toEqual([
      { object_key: 'waddles/1/users/7/a', user_id: 7 },
    ]);
    expect(await db.selectFrom('messages').select('decorations').where('id', '=', id).executeTakeFirstOrThrow()).toEqual({
      decorations: 0,
    });
  });

  it('has exactly one default role, which cannot be deleted', async () => {
    expect(await db.selectFrom('roles').select(['name', 'permissions', 'is_default']).execute()).toEqual([
      { name: '@everyone', permissions: 771, is_default: 1 },
    ]);
    await expect(env.DB.prepare("INSERT INTO roles (name, is_default) VALUES ('second', 1)").run()).rejects.toThrow(/UNIQUE/);
    await expect(env.DB.prepare('DELETE FROM roles WHERE is_default = 1').run()).rejects.toThrow(/default role cannot be deleted/);
  });

  it("refuses a slow-mode clock update before the channel's slow mode has elapsed, and the batch with it", async () => {
    await db.insertInto('channels').values({ id: 1, name: 'slow', created_by: 1, slow_mode_seconds: 10 }).execute();
    const tick = (at: number) => [
      env.DB.prepare(
        'INSERT INTO slow_mode_clocks (channel_id, user_id, last_message_at) VALUES (1, 7, ?) ON CONFLICT DO UPDATE SET last_message_at = excluded.last_message_at',
      ).bind(at),
      env.DB.prepare("INSERT INTO messages (channel_id, user_id, content, created_at) VALUES (1, 7, 'hi', ?)").bind(at),
    ];
    await env.DB.batch(tick(1_000_000));
    await expect(env.DB.batch(tick(1_009_999))).rejects.toThrow(/slow_mode/);
    expect(await db.selectFrom('messages').select('created_at').execute()).toEqual([{ created_at: 1_000_000 }]);
    await env.DB.batch(tick(1_010_000));
    expect(await db.selectFrom('slow_mode_clocks').select('last_message_at').execute()).toEqual([{ last_message_at: 1_010_000 }]);
  });
});
