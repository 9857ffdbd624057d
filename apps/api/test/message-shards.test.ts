import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { openMessageShard, type ShardSwitchStep } from '@waddle/provisioning/open-message-shard';
import { postMessage } from '@waddle/queries/messages/post-message';
import { postShardedMessage } from '@waddle/queries/shards/post-sharded-message';
import { findShardedActivityDrift } from '@waddle/queries/shards/sharded-activity-drift';
import { shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { beforeAll, describe, expect, it } from 'vitest';
import { Permission } from '../src/access/permissions.ts';
import { waddleConnectors } from '../src/context/waddle-connectors.ts';
import worker from '../src/index.ts';
import { checkShardedDrift } from '../src/scheduled/check-sharded-drift.ts';
import {
  type ApiAnswer,
  ATTACHMENT,
  CHANNEL,
  call,
  freshPlatform,
  MODERATOR_PERMISSIONS,
  type Persona,
  THREAD,
  tokenFor,
  USER,
  WADDLE,
} from './fixture.ts';
import { TEST_WADDLE_BINDINGS } from './test-config.ts';
import { registeredWaddles } from './registered-waddles.ts';

/**
 * The private waddle (1) grown through three message shards by the real switch
 * (`openMessageShard`): its primary `WADDLE_PRIVATE`, then `WADDLE_THIRD` and `WADDLE_FOURTH`,
 * each bound to the test Worker by a static binding (`databases.binding`, as a deployment would
 * declare). Every post goes through the API into waddle 1 and, in the same order, into its twin
 * (waddle 3, one database: `WADDLE_FIFTH`, the same channels, roles and first messages), so the two
 * hold the same messages under the same ids and every read can be held against one database's.
 */
const SHARDED = `/v1/waddles/${WADDLE.private}`;
const TWIN_ID = 3;
const TWIN = `/v1/waddles/${TWIN_ID}`;
const SHARDS = ['WADDLE_THIRD', 'WADDLE_FOURTH'] as const;
const clock = testClock();

interface Posted {
  readonly id: number;
  readonly channel: number;
  readonly thread: number | null;
  /** 1 for the primary, 2 and 3 for the later shards. */
  readonly shard: number;
}

const posted: Posted[] = [];
const firstIds: number[] = [1];

/** The fixture's waddle 1 again, as waddle 3 on one database (the statements of `freshPlatform`). */
async function buildTwin(): Promise<void> {
  const central = env.CENTRAL_DB;
  await central.batch([
    ...registeredWaddles(central, [{ id: TWIN_ID, name: 'twin', isPublic: false, binding: 'WADDLE_FIFTH' }]),
    central
      .prepare('INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (?1, 1, 1000), (?1, 2, 2000), (?1, 3, 3000)')
      .bind(TWIN_ID),
  ]);
  const twin = env.WADDLE_FIFTH;
  const { error } = await new Migrator({ database: twin, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  await twin.batch([
    twin.prepare("INSERT INTO categories (id, name) VALUES (1, 'Text')"),
    twin.prepare(
      `INSERT INTO channels (id, name, category_id, slow_mode_seconds, is_archived, thread_mode, created_by) VALUES
        (1, 'general', 1, 0, 0, 'optional', 1), (2, 'secret', 1, 0, 0, 'optional', 1), (3, 'slow', 1, 60, 0, 'optional', 1),
        (4, 'old', 1, 0, 1, 'optional', 1), (5, 'topics', 1, 0, 0, 'required', 1)`,
    ),
    twin.prepare(
      "INSERT INTO channels (id, name, type, category_id, created_by) VALUES (6, 'lounge', 'voice', 1, 1), (7, 'stage', 'voice', 1, 1)",
    ),
    twin.prepare("INSERT INTO threads (id, channel_id, title, created_by) VALUES (1, 1, 'Welcome', 3), (2, 2, 'Hidden', 1)"),
    twin
      .prepare("INSERT INTO roles (id, name, permissions, position) VALUES (1, 'Moderator', ?, 2), (2, 'Helper', 0, 1)")
      .bind(MODERATOR_PERMISSIONS),
    twin.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (2, 1, 1)'),
    twin
      .prepare(
        "INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (2, 'role', 0, 0, ?1), (2, 'role', 1, ?1, 0), (2, 'member', 2, ?1, 0)",
      )
      .bind(Permission.VIEW_CHANNELS),
  ]);
  const messages = openWaddleDatabase(twin);
  await postMessage(messages, { channelId: 1, authorId: USER.member, content: 'hello penguins', createdAt: 10_000 });
  await postMessage(messages, { channelId: 1, authorId: USER.moderator, content: 'welcome aboard', createdAt: 11_000 });
  await postMessage(messages, { channelId: 2, authorId: USER.owner, content: 'the secret plan', createdAt: 12_000 });
  await postMessage(messages, { channelId: 1, threadId: 1, authorId: USER.member, content: 'first in thread', createdAt: 13_000 });
}

/** The switch's target in the test Worker: the next unused test database, reached through its binding. */
function bindingTarget(): DatabaseTarget {
  const byId = new Map<string, D1DatabaseLike>(
    Object.entries(TEST_WADDLE_BINDINGS).map(([binding, id]) => [id, env[binding as keyof typeof TEST_WADDLE_BINDINGS] as D1DatabaseLike]),
  );
  let created = 0;
  return {
    name: 'local',
    centralDatabaseId: 'local-central',
    createDatabase: async () => TEST_WADDLE_BINDINGS[SHARDS[created++]!],
    open: async (ids) => ({
      get: (id) => {
        const database = byId.get(id);
        if (!database) throw new Error(`no test database ${id}`);
        return database;
      },
      dispose: async () => {},
    }),
    deleteDatabase: async () => {
      throw new Error('not in this test');
    },
  };
}

/**
 * Opens the next shard replacing `replacing` (a D1 id), declaring its static binding as a
 * deployment would once it is created (`binding` of its directory row), before it takes messages.
 */
async function openShard(
  target: DatabaseTarget,
  binding: keyof typeof TEST_WADDLE_BINDINGS,
  replacing: string,
  afterStep?: (step: ShardSwitchStep) => void,
) {
  const opened = await openMessageShard(env.CENTRAL_DB, target, WADDLE.private, replacing, {
    clock: clock.now,
    holder: 'test',
    afterStep: async (step) => {
      if (step === 'created')
        await env.CENTRAL_DB.prepare('UPDATE databases SET binding = ? WHERE d1_database_id = ?')
          .bind(binding, TEST_WADDLE_BINDINGS[binding])
          .run();
      afterStep?.(step);
    },
  });
  firstIds.push(opened.firstMessageId);
  return opened;
}

/** Posts through the API into waddle 1 (expecting `shard`), then the same into the twin; both must get the same id. */
async function post(who: Persona, channel: number, content: string, shard: number, thread: number | null = null): Promise<number> {
  const body = { content, threadId: thread };
  const sharded = await call(who, 'POST', `${SHARDED}/channels/${channel}/messages`, body);
  expect(sharded.status, JSON.stringify(sharded.body)).toBe(201);
  const twin = await call(who, 'POST', `${TWIN}/channels/${channel}/messages`, body);
  expect(twin.body.id).toBe(sharded.body.id);
  posted.push({ id: sharded.body.id, channel, thread, shard });
  return sharded.body.id;
}

/**
 * Six posts: #general by two authors, the welcome thread, and #secret (which the member cannot
 * see); in every shard one names the member (in the thread, which they then follow) and one
 * mentions everyone.
 */
async function postRound(shard: number, round: string): Promise<void> {
  await post('moderator', CHANNEL.general, `krill ${round} one`, shard);
  await post('owner', CHANNEL.general, `krill ${round} two @everyone`, shard);
  await post('moderator', CHANNEL.general, `herring ${round} thread <@${USER.member}>`, shard, THREAD.welcome);
  await post('owner', CHANNEL.secret, `krill ${round} secret`, shard);
  await post('moderator', CHANNEL.general, `krill ${round} three`, shard, THREAD.welcome);
  await post('owner', CHANNEL.general, `herring ${round} four`, shard);
}

const inShard = async (database: D1DatabaseLike, id: number) =>
  (await database.prepare('SELECT count(*) AS n FROM messages WHERE id = ?').bind(id).first<{ n: number }>())!.n;

beforeAll(async () => {
  await freshPlatform();
  await buildTwin();
  const target = bindingTarget();
  await postRound(1, 'a');
  // The member reads #general up to here in both waddles: what comes later is unread.
  const marker = posted.at(-1)!.id;
  for (const waddle of [SHARDED, TWIN])
    expect((await call('member', 'PUT', `${waddle}/channels/${CHANNEL.general}/read`, { messageId: marker })).status).toBe(200);
  await openShard(target, 'WADDLE_THIRD', TEST_WADDLE_BINDINGS.WADDLE_PRIVATE);
  await postRound(2, 'b');
  // A post sent while the second switch has sealed shard 2 but not yet opened shard 3: refused by
  // the fence, retried on the map read again, it lands in shard 3.
  let during: Promise<ApiAnswer> | undefined;
  await openShard(target, 'WADDLE_FOURTH', TEST_WADDLE_BINDINGS.WADDLE_THIRD, (step) => {
    if (step === 'sealed')
      during = call('moderator', 'POST', `${SHARDED}/channels/${CHANNEL.general}/messages`, { content: 'krill during the switch' });
  });
  const answer = await during!;
  expect(answer.status).toBe(201);
  const twin = await call('moderator', 'POST', `${TWIN}/channels/${CHANNEL.general}/messages`, { content: 'krill during the switch' });
  expect(twin.body.id).toBe(answer.body.id);
  posted.push({ id: answer.body.id, channel: CHANNEL.general, thread: null, shard: 3 });
  await postRound(3, 'c');
}, 120_000);

/** Every id of a channel or thread, paged with `step` messages per page from one end, following the cursors. */
async function pageThrough(waddle: string, scope: string, direction: 'older' | 'newer', step: number): Promise<number[]> {
  const ids: number[] = [];
  let page = (
    await call(
      'member',
      'GET',
      `${waddle}/${scope}/messages?anchor=${direction === 'older' ? 'newest' : 'oldest'}&${direction === 'older' ? 'before' : 'after'}=${step}`,
    )
  ).body;
  for (;;) {
    const pageIds = page.messages.map((m: { id: number }) => m.id);
    if (direction === 'older') ids.unshift(...pageIds);
    else ids.push(...pageIds);
    const done = direction === 'older' ? page.olderCursor === null : page.foundNewest;
    if (done) return ids;
    const cursor = encodeURIComponent(direction === 'older' ? page.olderCursor : page.newerCursor);
    page = (
      await call('member', 'GET', `${waddle}/${scope}/messages?cursor=${cursor}&${direction === 'older' ? 'before' : 'after'}=${step}`)
    ).body;
  }
}

/** What of a page must be one database's: its ids, flags and cursors. */
const pageShape = (answer: ApiAnswer) => {
  const { messages, ...rest } = answer.body;
  return { status: answer.status, ids: messages.map((m: { id: number }) => m.id), ...rest };
};

describe('the API over message shards', () => {
  it('posts into the active shard, with ids in its range, and nowhere else', async () => {
    const databases = [env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH];
    expect(firstIds).toHaveLength(3);
    for (const message of posted) {
      const upper = firstIds[message.shard] ?? Number.MAX_SAFE_INTEGER;
      expect(message.id).toBeGreaterThanOrEqual(firstIds[message.shard - 1]!);
      expect(message.id).toBeLessThan(upper);
      expect(await Promise.all(databases.map((database) => inShard(database, message.id)))).toEqual(
        [1, 2, 3].map((n) => (n === message.shard ? 1 : 0)),
      );
    }
  });

  it('numbers attachments in a block per shard, so each id serves its own file, on sealed shards too', async () => {
    // The moderator's first post in #general of each shard: shards 1 and 2 are sealed now, 3 takes messages.
    const firsts = [1, 2, 3].map((shard) => posted.find((m) => m.shard === shard && m.channel === CHANNEL.general && m.thread === null)!);
    const uploaded = [];
    for (const [index, message] of firsts.entries()) {
      const answer = await call(
        'moderator',
        'POST',
        `${SHARDED}/messages/${message.id}/attachments?filename=shard-${index + 1}.json`,
        JSON.stringify({ shard: index + 1 }),
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      uploaded.push(answer.body);
    }
    // Shard k (0 the primary) numbers its attachments from k * 2^40 + 1: the primary's go on after the fixture's id 1.
    expect(uploaded.map((a) => a.id)).toEqual([ATTACHMENT.id + 1, 2 ** 40 + 1, 2 * 2 ** 40 + 1]);
    const databases = [env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH];
    for (const [index, attachment] of uploaded.entries()) {
      const download = await call('member', 'GET', `${SHARDED}/attachments/${attachment.id}`);
      expect(download.status).toBe(200);
      expect(download.body).toEqual({ shard: index + 1 });
      const held = await Promise.all(
        databases.map((database) =>
          database.prepare('SELECT count(*) AS n FROM message_attachments WHERE id = ?').bind(attachment.id).first('n'),
        ),
      );
      expect(held).toEqual([0, 1, 2].map((n) => (n === index ? 1 : 0)));
    }
    // The primary's own attachment is still served, and an id in the block of no shard is an unknown one.
    expect((await call('member', 'GET', `${SHARDED}/attachments/${ATTACHMENT.id}`)).body).toEqual(JSON.parse(ATTACHMENT.content));
    const unknown = await call('member', 'GET', `${SHARDED}/attachments/${3 * 2 ** 40 + 1}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual((await call('member', 'GET', `${SHARDED}/attachments/999999`)).body);
  });

  it('pages every channel and thread end to end in both directions, every message once and in order', async () => {
    for (const scope of [`channels/${CHANNEL.general}`, `threads/${THREAD.welcome}`]) {
      const whole = await pageThrough(TWIN, scope, 'newer', 100);
      expect(whole.length).toBeGreaterThan(6);
      for (const step of [1, 4, 7]) {
        expect(await pageThrough(SHARDED, scope, 'older', step)).toEqual(whole);
        expect(await pageThrough(SHARDED, scope, 'newer', step)).toEqual(whole);
      }
    }
  });

  it('gives the pages one database gives around every anchor, boundaries included', async () => {
    const general = `channels/${CHANNEL.general}/messages`;
    const anchors = ['anchor=newest&before=5', 'anchor=oldest&after=5', 'anchor=first_unread', 'anchor=first_unread&before=2&after=9'];
    for (const first of firstIds.slice(1)) for (const id of [first - 1, first, first + 1]) anchors.push(`anchor=${id}&before=3&after=3`);
    for (const query of anchors) {
      expect(pageShape(await call('member', 'GET', `${SHARDED}/${general}?${query}`)), query).toEqual(
        pageShape(await call('member', 'GET', `${TWIN}/${general}?${query}`)),
      );
    }
  });

  it('finds the messages of every shard, recent and by relevance, paging every match once', async () => {
    const searchAll = async (waddle: string, sort: string) => {
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const answer: ApiAnswer = await call(
          'member',
          'GET',
          `${waddle}/search?q=krill&sort=${sort}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(answer.status).toBe(200);
        ids.push(...answer.body.hits.map((hit: { id: number }) => hit.id));
        cursor = answer.body.nextCursor;
      } while (cursor);
      return ids;
    };
    const recent = await searchAll(SHARDED, 'recent');
    expect(recent).toEqual(await searchAll(TWIN, 'recent'));
    // The member does not see #secret: every visible krill message, of every shard.
    const visible = posted.filter((m) => m.channel !== CHANNEL.secret && [1, 2, 3].includes(m.shard)).map((m) => m.id);
    const krill = (
      await Promise.all(
        [env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH].map((db) =>
          db.prepare("SELECT id FROM messages WHERE content LIKE 'krill%'").all<{ id: number }>(),
        ),
      )
    ).flatMap((r) => r.results.map((row) => row.id));
    expect(recent).toEqual(visible.filter((id) => krill.includes(id)).sort((a, b) => b - a));
    expect(new Set(recent.map((id) => posted.find((m) => m.id === id)!.shard))).toEqual(new Set([1, 2, 3]));
    const relevance = await searchAll(SHARDED, 'relevance');
    expect([...relevance].sort((a, b) => a - b)).toEqual([...recent].sort((a, b) => a - b));
  });

  it('counts unreads and lists active threads as one database does', async () => {
    const unreads = async (waddle: string) => (await call('member', 'GET', `${waddle}/unreads`)).body.channels;
    const sharded = await unreads(SHARDED);
    expect(sharded).toEqual(await unreads(TWIN));
    const general = sharded.find((c: { channelId: number }) => c.channelId === CHANNEL.general);
    expect(general.unreadCount).toBeGreaterThan(10);
    expect(general.firstUnreadMessageId).toBeGreaterThanOrEqual(firstIds[1]!);

    const threads = async (waddle: string) =>
      (await call('member', 'GET', `${waddle}/channels/${CHANNEL.general}/threads`)).body.threads.map(
        (t: { id: number; messageCount: number; lastMessageId: number; recentMessageCount: number }) => ({
          id: t.id,
          messageCount: t.messageCount,
          lastMessageId: t.lastMessageId,
          recentMessageCount: t.recentMessageCount,
        }),
      );
    const active = await threads(SHARDED);
    expect(active).toEqual(await threads(TWIN));
    expect(active[0].recentMessageCount).toBe(posted.filter((m) => m.thread === THREAD.welcome).length);
  });

  it('serves the mention inbox, badges, unread mentions, followed threads and thread read markers with every shard’s mentions, as one database does', async () => {
    const get = async (path: string) => {
      const [sharded, twin] = [await call('member', 'GET', `${SHARDED}${path}`), await call('member', 'GET', `${TWIN}${path}`)];
      expect(sharded.status, path).toBe(200);
      // The same but for when each was posted (the twin's copy a moment later).
      const untimed = (body: unknown) => JSON.parse(JSON.stringify(body, (key, value) => (key.endsWith('At') ? undefined : value)));
      expect(untimed(sharded.body), path).toEqual(untimed(twin.body));
      return sharded.body;
    };
    // The inbox, two at a time through every shard.
    const inbox: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/mentions?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      inbox.push(...page.mentions.map((m: { messageId: number }) => m.messageId));
      cursor = page.olderCursor;
    } while (cursor !== null);
    expect(new Set(inbox.map((id) => posted.find((m) => m.id === id)!.shard))).toEqual(new Set([1, 2, 3]));
    expect(inbox).toHaveLength(6); // each round: the thread post naming the member, the @everyone post

    const badges = await get('/badges');
    const general = badges.channels.find((c: { channelId: number }) => c.channelId === CHANNEL.general);
    // Read up to the end of the first round: the mentions of rounds b and c, in the later shards.
    expect(general).toMatchObject({ mentionCount: 4, mentionsCapped: false });
    const unreads = await get('/unreads');
    expect(unreads.channels.find((c: { channelId: number }) => c.channelId === CHANNEL.general).mentionCount).toBe(4);

    const followed = await get('/followed-threads');
    const welcome = followed.threads.find((t: { threadId: number }) => t.threadId === THREAD.welcome);
    const inThread = posted.filter((m) => m.thread === THREAD.welcome);
    expect(welcome).toMatchObject({ following: true, unreadCount: 4, mentionCount: 2 });
    expect(await get(`/channels/${CHANNEL.general}/followed-threads?onlyUnread=true`)).toEqual(
      expect.objectContaining({ threads: [expect.objectContaining({ threadId: THREAD.welcome })] }),
    );

    // Reading the thread up to its newest message, in the newest shard, clears it.
    const newest = inThread.at(-1)!;
    expect(newest.shard).toBe(3);
    for (const waddle of [SHARDED, TWIN]) {
      const read = await call('member', 'PUT', `${waddle}/threads/${THREAD.welcome}/read`, { messageId: newest.id + 1000 });
      expect(read.body).toEqual({ threadId: THREAD.welcome, lastReadMessageId: newest.id });
    }
    expect(await get(`/followed-threads?onlyUnread=true`)).toEqual({ threads: [], nextCursor: null });
    const [read] = (await get('/followed-threads')).threads;
    expect(read).toMatchObject({ threadId: THREAD.welcome, lastReadMessageId: newest.id, unreadCount: 0, mentionCount: 0 });
    // The channel's counts follow the channel's marker, not the thread's.
    expect((await get('/badges')).channels).toEqual(badges.channels);
  });

  it('edits, reacts to, pins and deletes a message of a sealed shard', async () => {
    const [sealed] = posted.filter((m) => m.shard === 2 && m.channel === CHANNEL.general && m.thread === null);
    const message = `${SHARDED}/messages/${sealed!.id}`;
    expect((await call('moderator', 'PATCH', message, { content: 'krill, edited' })).status).toBe(200);
    const edits = await call('moderator', 'GET', `${message}/edits`);
    expect(edits.status).toBe(200);
    expect(edits.body.edits).toHaveLength(1);
    expect((await call('member', 'PUT', `${message}/reactions/${encodeURIComponent('🐧')}`)).status).toBe(204);
    expect((await call('moderator', 'PUT', `${message}/pin`)).status).toBe(204);
    const pins = await call('member', 'GET', `${SHARDED}/channels/${CHANNEL.general}/pins`);
    expect(pins.body.messages.map((m: { id: number }) => m.id)).toContain(sealed!.id);
    const around = await call('member', 'GET', `${SHARDED}/channels/${CHANNEL.general}/messages?anchor=${sealed!.id}&before=1&after=1`);
    expect(around.body.messages.find((m: { id: number }) => m.id === sealed!.id)).toMatchObject({
      id: sealed!.id,
      content: 'krill, edited',
      pinned: true,
      edited: true,
    });
    expect(around.body.messages.find((m: { id: number }) => m.id === sealed!.id).reactions).toEqual([
      { emoji: '🐧', count: 1, reacted: true },
    ]);
    expect(
      await env.WADDLE_THIRD.prepare("SELECT count(*) AS n FROM reactions WHERE message_id = ? AND emoji = '🐧'")
        .bind(sealed!.id)
        .first('n'),
    ).toBe(1);

    const before = (await env.WADDLE_PRIVATE.prepare('SELECT message_count FROM channels WHERE id = ?')
      .bind(CHANNEL.general)
      .first<{ message_count: number }>())!;
    expect((await call('moderator', 'DELETE', message)).status).toBe(204);
    const after = (await env.WADDLE_PRIVATE.prepare('SELECT message_count FROM channels WHERE id = ?')
      .bind(CHANNEL.general)
      .first<{ message_count: number }>())!;
    expect(after.message_count).toBe(before.message_count - 1);
    const tombstone = await call('member', 'GET', `${SHARDED}/channels/${CHANNEL.general}/messages?anchor=${sealed!.id}&before=1&after=1`);
    expect(tombstone.body.messages.find((m: { id: number }) => m.id === sealed!.id)).toMatchObject({
      id: sealed!.id,
      deleted: true,
      content: null,
    });
    expect((await call('moderator', 'PATCH', message, { content: 'again' })).status).toBe(404);
  });

  it('answers an unknown id and a message out of sight in a sealed shard with the same 404', async () => {
    const unknown = await call('member', 'GET', `${SHARDED}/messages/${Number.MAX_SAFE_INTEGER}/edits`);
    expect(unknown.status).toBe(404);
    const [secret] = posted.filter((m) => m.shard === 2 && m.channel === CHANNEL.secret);
    const hidden = await call('member', 'GET', `${SHARDED}/messages/${secret!.id}/edits`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect((await call('member', 'PUT', `${SHARDED}/messages/${secret!.id}/reactions/${encodeURIComponent('🐧')}`)).body).toEqual(
      (await call('member', 'PUT', `${SHARDED}/messages/${Number.MAX_SAFE_INTEGER}/reactions/${encodeURIComponent('🐧')}`)).body,
    );
    // The owner sees #secret: the same message is found in its shard.
    expect((await call('owner', 'GET', `${SHARDED}/messages/${secret!.id}/edits`)).status).toBe(200);
  });

  it('keeps a reply to a message of an older shard, and the page shows what it replies to', async () => {
    const [old] = posted.filter((m) => m.shard === 1 && m.channel === CHANNEL.general);
    const answer = await call('member', 'POST', `${SHARDED}/channels/${CHANNEL.general}/messages`, {
      content: 'a late reply',
      replyToId: old!.id,
    });
    expect(answer.status).toBe(201);
    // In the newest shard, kept without a foreign key (reply_to_elsewhere_id), not in the primary.
    const stored = await env.WADDLE_FOURTH.prepare('SELECT reply_to_id, reply_to_elsewhere_id FROM messages WHERE id = ?')
      .bind(answer.body.id)
      .first<{ reply_to_id: number | null; reply_to_elsewhere_id: number | null }>();
    expect(stored).toEqual({ reply_to_id: null, reply_to_elsewhere_id: old!.id });
    const page = await call('member', 'GET', `${SHARDED}/channels/${CHANNEL.general}/messages?anchor=${answer.body.id}&before=1&after=1`);
    const reply = page.body.messages.find((m: { id: number }) => m.id === answer.body.id);
    expect(reply.replyTo).toMatchObject({ id: old!.id, deleted: false });
    expect(reply.replyTo.excerpt).not.toBeNull();
    // A reply to a message of another channel is refused as for one database (404), writing nothing.
    const [elsewhere] = posted.filter((m) => m.shard === 1 && m.channel !== CHANNEL.general);
    const count = async () => (await env.WADDLE_FOURTH.prepare('SELECT count(*) AS n FROM messages').first<{ n: number }>())!.n;
    const before = await count();
    const refused = await call('member', 'POST', `${SHARDED}/channels/${CHANNEL.general}/messages`, {
      content: 'a stray reply',
      replyToId: elsewhere!.id,
    });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('not_found');
    expect(await count()).toBe(before);
  });

  it('answers 503 shard_switching, writing nothing, while the newest shard is fenced and no newer one is active', async () => {
    const before = await snapshotOf([env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH]);
    // What a switch leaves between its steps 3 and 5: the fence up, the new shard not yet active.
    await env.WADDLE_FOURTH.prepare('INSERT INTO shard_fence (id, sealed_at) VALUES (1, ?)').bind(clock.now()).run();
    const answer = await call('moderator', 'POST', `${SHARDED}/channels/${CHANNEL.general}/messages`, { content: 'krill, refused' });
    await env.WADDLE_FOURTH.prepare('DELETE FROM shard_fence').run();
    expect(answer.status).toBe(503);
    expect(answer.body.error.code).toBe('shard_switching');
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await snapshotOf([env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH])).toEqual(before);
  });

  it('moves a thread to another channel in the primary and every shard: the new channel pages each of its messages once, the old one none', async () => {
    const thread = `threads/${THREAD.welcome}`;
    const inThread = await pageThrough(TWIN, thread, 'newer', 100);
    expect(new Set(inThread.map((id) => posted.find((m) => m.id === id)?.shard ?? 1))).toEqual(new Set([1, 2, 3]));
    // Refused first, writing nothing: a member without MANAGE_THREADS, a voice channel, a channel out of sight.
    const before = await snapshotOf([env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH]);
    expect((await call('member', 'PATCH', `${SHARDED}/${thread}`, { channelId: CHANNEL.slow })).status).toBe(403);
    expect((await call('moderator', 'PATCH', `${SHARDED}/${thread}`, { channelId: CHANNEL.lounge })).body.error.code).toBe(
      'channel_type_refuses_messages',
    );
    expect((await call('moderator', 'PATCH', `${SHARDED}/${thread}`, { channelId: 99 })).status).toBe(404);
    expect(await snapshotOf([env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH])).toEqual(before);

    for (const waddle of [SHARDED, TWIN]) {
      const moved = await call('moderator', 'PATCH', `${waddle}/${thread}`, { channelId: CHANNEL.slow });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.channelId).toBe(CHANNEL.slow);
    }
    const slow = await pageThrough(TWIN, `channels/${CHANNEL.slow}`, 'newer', 100);
    expect(slow.filter((id) => inThread.includes(id))).toEqual(inThread);
    for (const step of [1, 4]) {
      expect(await pageThrough(SHARDED, `channels/${CHANNEL.slow}`, 'older', step)).toEqual(slow);
      expect(await pageThrough(SHARDED, `channels/${CHANNEL.slow}`, 'newer', step)).toEqual(slow);
    }
    // #general of the sharded waddle also holds the late reply (posted there only): the twin's, and no message of the thread.
    const general = await pageThrough(SHARDED, `channels/${CHANNEL.general}`, 'newer', 7);
    const twinGeneral = await pageThrough(TWIN, `channels/${CHANNEL.general}`, 'newer', 100);
    expect(general.filter((id) => inThread.includes(id))).toEqual([]);
    expect(general.filter((id) => twinGeneral.includes(id))).toEqual(twinGeneral);
    expect(await pageThrough(SHARDED, thread, 'older', 3)).toEqual(inThread);
    // The primary's counters are the sum of the shards' shares (the drift check finds nothing), #slow's those of one database.
    const sharded = shardedWaddle(
      openWaddleDatabase(env.WADDLE_PRIVATE),
      [env.WADDLE_THIRD, env.WADDLE_FOURTH].map((d1, i) => ({ firstMessageId: firstIds[i + 1]!, waddle: openWaddleDatabase(d1) })),
    );
    expect((await findShardedActivityDrift(sharded, { limit: 1000 })).drift.filter((d) => d.kind === 'channel')).toEqual([]);
    const slowActivity = (database: D1DatabaseLike) =>
      database.prepare('SELECT message_count, last_message_id FROM channels WHERE id = ?').bind(CHANNEL.slow).first();
    expect(await slowActivity(env.WADDLE_PRIVATE)).toEqual(await slowActivity(env.WADDLE_FIFTH));
    const slowUnreads = async (waddle: string) =>
      (await call('member', 'GET', `${waddle}/unreads`)).body.channels.find((c: { channelId: number }) => c.channelId === CHANNEL.slow);
    expect(await slowUnreads(SHARDED)).toEqual(await slowUnreads(TWIN));
    // The same request again changes nothing.
    const again = await snapshotOf([env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH]);
    expect((await call('moderator', 'PATCH', `${SHARDED}/${thread}`, { channelId: CHANNEL.slow })).status).toBe(200);
    expect(await snapshotOf([env.WADDLE_PRIVATE, env.WADDLE_THIRD, env.WADDLE_FOURTH])).toEqual(again);
  });

  it("repairs, by the cron's drift pass resuming from its cursor, the counters a post whose second step failed left behind", async () => {
    const sharded = shardedWaddle(
      openWaddleDatabase(env.WADDLE_PRIVATE),
      [env.WADDLE_THIRD, env.WADDLE_FOURTH].map((d1, i) => ({ firstMessageId: firstIds[i + 1]!, waddle: openWaddleDatabase(d1) })),
    );
    const general = () =>
      env.WADDLE_PRIVATE.prepare('SELECT message_count, last_message_id FROM channels WHERE id = ?')
        .bind(CHANNEL.general)
        .first<{ message_count: number; last_message_id: number }>();
    const before = (await general())!;
    // The primary refuses the second step: the message is in the newest shard, the counters lag.
    const unreachable: D1DatabaseLike = {
      prepare: (query) => env.WADDLE_PRIVATE.prepare(query),
      batch: () => Promise.reject(new Error('primary unavailable')),
    };
    const broken = shardedWaddle(openWaddleDatabase(unreachable), sharded.shards.slice(1));
    const lagging = await postShardedMessage(broken, {
      channelId: CHANNEL.general,
      authorId: USER.moderator,
      content: 'counted late',
      createdAt: clock.now(),
    });
    expect(lagging.activityRecorded).toBe(false);
    expect(await general()).toEqual(before);

    // A budget of one slice per pass: the first stops inside the waddle, and the next resume from the stored cursor.
    const connectors = waddleConnectors(env as unknown as Env);
    const first = await checkShardedDrift(env.CENTRAL_DB, connectors, clock.now(), { maxQueries: 9 });
    expect(first.completed).toEqual([]);
    expect(first.cursor).toEqual({ waddleId: WADDLE.private, next: { kind: 'channel', id: 0 } });
    expect(first.queries).toBeLessThanOrEqual(9);
    const stored = await env.CENTRAL_DB.prepare('SELECT waddle_id, next_kind, next_after_id FROM shard_drift_cursor').first();
    expect(stored).toEqual({ waddle_id: WADDLE.private, next_kind: 'channel', next_after_id: 0 });
    let repaired = first.repaired;
    const passes = [first];
    while (passes.at(-1)!.completed.length === 0) {
      const pass = await checkShardedDrift(env.CENTRAL_DB, connectors, clock.now(), { maxQueries: 9 });
      repaired += pass.repaired;
      passes.push(pass);
      expect(passes.length).toBeLessThan(20);
    }
    expect(passes.at(-1)!.completed).toEqual([WADDLE.private]);
    expect(passes.flatMap((pass) => pass.failed)).toEqual([]);
    expect(repaired).toBe(1);
    expect(await general()).toEqual({ message_count: before.message_count + 1, last_message_id: lagging.id });
    expect((await findShardedActivityDrift(sharded, { limit: 1000 })).drift.filter((d) => d.kind !== 'message')).toEqual([]);
    // After the last sharded waddle the cursor starts again from the first; a whole lap now repairs nothing.
    const lap = await checkShardedDrift(env.CENTRAL_DB, connectors, clock.now());
    expect(lap.repaired).toBe(0);
    expect(lap.completed).toEqual([WADDLE.private]);
    expect(lap.cursor).toEqual({ waddleId: 0, next: { kind: 'thread', id: 0 } });
  });

  it("repairs a post's failed second step (counters and follows) in the request's waitUntil, before any drift pass", async () => {
    const created = await call('moderator', 'POST', `${SHARDED}/channels/${CHANNEL.general}/threads`, { title: 'repaired at once' });
    expect(created.status).toBe(201);
    const threadId: number = created.body.id;
    const general = () =>
      env.WADDLE_PRIVATE.prepare('SELECT message_count, last_message_id FROM channels WHERE id = ?')
        .bind(CHANNEL.general)
        .first<{ message_count: number; last_message_id: number }>();
    const before = (await general())!;
    // The primary refuses the post's second step once (the batch that counts the message); every other statement goes through.
    // (Its statements are prepared just before its batch is sent; nothing else runs in between.)
    let refused = 0;
    let secondStepPrepared = false;
    const real: D1DatabaseLike = env.WADDLE_PRIVATE;
    const primary: D1DatabaseLike = {
      prepare: (query) => {
        if (query.includes('message_count = message_count + 1')) secondStepPrepared = true;
        return env.WADDLE_PRIVATE.prepare(query);
      },
      batch: (statements) => {
        if (secondStepPrepared && refused === 0) {
          refused++;
          return Promise.reject(new Error('primary unavailable'));
        }
        return real.batch(statements);
      },
    };
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(`http://waddle${SHARDED}/channels/${CHANNEL.general}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await tokenFor('member')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ threadId, content: `late for <@${USER.owner}>` }),
      }),
      { ...env, WADDLE_PRIVATE: primary } as unknown as Env,
      ctx,
    );
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: number };
    expect(id).toBeGreaterThanOrEqual(firstIds.at(-1)!);
    await waitOnExecutionContext(ctx);
    expect(refused).toBe(1);

    // The repair after the answer: the channel and thread count the message, its author and the mentioned owner follow the thread.
    expect(await general()).toEqual({ message_count: before.message_count + 1, last_message_id: id });
    const { results: follows } = await env.WADDLE_PRIVATE.prepare(
      'SELECT user_id, following, muted, last_read_message_id FROM thread_follows WHERE thread_id = ? ORDER BY user_id',
    )
      .bind(threadId)
      .all();
    expect(follows).toEqual([
      { user_id: USER.owner, following: 1, muted: 0, last_read_message_id: id - 1 },
      { user_id: USER.moderator, following: 1, muted: 0, last_read_message_id: 0 },
      { user_id: USER.member, following: 1, muted: 0, last_read_message_id: id },
    ]);
    expect(
      await env.WADDLE_PRIVATE.prepare('SELECT message_count, last_message_id FROM threads WHERE id = ?').bind(threadId).first(),
    ).toEqual({ message_count: 1, last_message_id: id });
  });
});

/** The messages, activity and slow-mode clocks of some databases: equal exactly when no post wrote to them. */
async function snapshotOf(databases: readonly D1DatabaseLike[]): Promise<string[]> {
  return Promise.all(
    databases.map(async (database) => {
      const [messages, channels, threads] = await database.batch([
        database.prepare('SELECT id, content FROM messages ORDER BY id'),
        database.prepare('SELECT id, message_count, last_message_id FROM channels ORDER BY id'),
        database.prepare('SELECT id, message_count, last_message_id FROM threads ORDER BY id'),
      ]);
      return JSON.stringify([messages?.results, channels?.results, threads?.results]);
    }),
  );
}
