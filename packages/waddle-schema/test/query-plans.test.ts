import { env } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { type Compilable, type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../src/generated/database.ts';
import { freshWaddleDatabase } from './migrated-database.ts';

let db: Kysely<DB>;
beforeAll(async () => {
  db = await freshWaddleDatabase();
  // A few rows in every table, so the planner sees a populated schema.
  await db
    .insertInto('channels')
    .values([
      { id: 1, name: 'general', created_by: 1 },
      { id: 2, name: 'random', created_by: 1 },
    ])
    .execute();
  await db.insertInto('threads').values({ id: 1, channel_id: 1, title: 'hello', created_by: 1 }).execute();
  for (let i = 0; i < 20; i++) {
    await db
      .insertInto('messages')
      .values({
        channel_id: 1 + (i % 2),
        thread_id: i % 2 === 0 ? 1 : null,
        user_id: i % 5,
        content: `m${i}`,
        is_pinned: i % 7 === 0 ? 1 : 0,
      })
      .execute();
  }
  await db
    .insertInto('reactions')
    .values([
      { message_id: 1, emoji: '👍', user_id: 1 },
      { message_id: 1, emoji: '🎉', user_id: 2 },
    ])
    .execute();
  await db.insertInto('roles').values({ id: 1, name: 'mods', color: '#aa00FF', permissions: 3 }).execute();
  await db.insertInto('member_roles').values({ user_id: 1, role_id: 1, granted_by: 1 }).execute();
  await db
    .insertInto('channel_overwrites')
    .values([
      { channel_id: 1, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
      { channel_id: 1, target_kind: 'role', target_id: 1, allow: 1, deny: 0 },
      { channel_id: 2, target_kind: 'member', target_id: 3, allow: 0, deny: 2 },
    ])
    .execute();
});

/** The overwrites that reach user 1: `@everyone`'s, those of their roles, their own. */
const reachingUser = (eb: ExpressionBuilder<DB, 'channel_overwrites'>) =>
  eb.or([
    eb.and([
      eb('target_kind', '=', 'role'),
      eb.or([eb('target_id', '=', 0), eb('target_id', 'in', eb.selectFrom('member_roles').select('role_id').where('user_id', '=', 1))]),
    ]),
    eb.and([eb('target_kind', '=', 'member'), eb('target_id', '=', 1)]),
  ]);

/** Each hot query of the waddle database, and the index that must serve its filter and order. */
const patterns: [string, () => Compilable, string][] = [
  [
    'a channel, newest first',
    () => db.selectFrom('messages').selectAll().where('channel_id', '=', 1).orderBy('id', 'desc').limit(50),
    'messages_by_channel',
  ],
  [
    'a channel, before an anchor',
    () => db.selectFrom('messages').selectAll().where('channel_id', '=', 1).where('id', '<', 10).orderBy('id', 'desc').limit(50),
    'messages_by_channel',
  ],
  [
    'a channel, after an anchor',
    () => db.selectFrom('messages').selectAll().where('channel_id', '=', 1).where('id', '>', 10).orderBy('id', 'asc').limit(50),
    'messages_by_channel',
  ],
  [
    'a thread, oldest first',
    () => db.selectFrom('messages').selectAll().where('thread_id', '=', 1).where('id', '>', 0).orderBy('id', 'asc').limit(50),
    'messages_by_thread',
  ],
  [
    'a thread, newest first',
    () => db.selectFrom('messages').selectAll().where('thread_id', '=', 1).orderBy('id', 'desc').limit(50),
    'messages_by_thread',
  ],
  [
    "a thread's live messages after a read marker (a followed thread's unread count), from the index alone",
    () => db.selectFrom('messages').select('id').where('thread_id', '=', 1).where('id', '>', 10).where('is_deleted', '=', 0).limit(101),
    'COVERING INDEX messages_by_thread',
  ],
  [
    "one user's messages (export, erasure)",
    () => db.selectFrom('messages').select(['id', 'content']).where('user_id', '=', 3).where('id', '>', 0).orderBy('id').limit(500),
    'messages_by_user',
  ],
  [
    'pinned messages of a channel',
    () => db.selectFrom('messages').selectAll().where('channel_id', '=', 1).where('is_pinned', '=', 1).orderBy('id', 'desc'),
    'messages_pinned',
  ],
  [
    'active threads of a channel',
    () => db.selectFrom('threads').selectAll().where('channel_id', '=', 1).orderBy('last_message_id', 'desc').limit(20),
    'threads_by_activity',
  ],
  [
    'reactions of a page of messages, per emoji',
    () =>
      db
        .selectFrom('reactions')
        .select(['message_id', 'emoji', (eb) => eb.fn.countAll<number>().as('count'), sql<number>`max(user_id = ${7})`.as('me')])
        .where('message_id', 'in', [1, 2, 3])
        .groupBy(['message_id', 'emoji'])
        .orderBy('message_id')
        .orderBy('emoji'),
    'PRIMARY KEY',
  ],
  ['roles of a member', () => db.selectFrom('member_roles').select('role_id').where('user_id', '=', 1).orderBy('role_id'), 'PRIMARY KEY'],
  [
    'members of a role',
    () => db.selectFrom('member_roles').select('user_id').where('role_id', '=', 1).orderBy('user_id'),
    'member_roles_by_role',
  ],
  [
    'edit history of a message',
    () => db.selectFrom('message_edits').selectAll().where('message_id', '=', 1).orderBy('id'),
    'message_edits_by_message',
  ],
  [
    'attachments of a page of messages',
    () => db.selectFrom('message_attachments').selectAll().where('message_id', 'in', [1, 2, 3]).orderBy('message_id').orderBy('id'),
    'message_attachments_by_message',
  ],
  [
    'voice sessions of a channel',
    () => db.selectFrom('voice_sessions').selectAll().where('channel_id', '=', 1).orderBy('started_at', 'desc').limit(20),
    'voice_sessions_by_channel',
  ],
  [
    'channels of a category in order',
    () => db.selectFrom('channels').selectAll().where('category_id', '=', 1).orderBy('position'),
    'channels_by_category',
  ],
  [
    'voice sessions a user started (export)',
    () => db.selectFrom('voice_sessions').selectAll().where('started_by', '=', 3).where('id', '>', 0).orderBy('id').limit(500),
    'voice_sessions_by_starter',
  ],
  [
    "a user's reactions after a cursor (export, erasure)",
    () =>
      db
        .selectFrom('reactions')
        .selectAll()
        .where('user_id', '=', 3)
        .where(sql<boolean>`(message_id, emoji) > (${1}, ${'👍'})`)
        .orderBy('message_id')
        .orderBy('emoji')
        .limit(500),
    'reactions_by_user',
  ],
  [
    "a user's read states after a cursor (export, erasure)",
    () => db.selectFrom('read_states').selectAll().where('user_id', '=', 3).where('channel_id', '>', 0).orderBy('channel_id').limit(500),
    'PRIMARY KEY',
  ],
  [
    'threads a user started after a cursor (export, erasure)',
    () => db.selectFrom('threads').select(['id', 'title']).where('created_by', '=', 3).where('id', '>', 0).orderBy('id').limit(200),
    'threads_by_creator',
  ],
  [
    "a user's slow-mode clocks (erasure)",
    () => db.selectFrom('slow_mode_clocks').select('channel_id').where('user_id', '=', 3).orderBy('channel_id').limit(500),
    'slow_mode_clocks_by_user',
  ],
  [
    'the overwrites of a channel that reach a member (every request about the channel)',
    () => db.selectFrom('channel_overwrites').selectAll().where('channel_id', '=', 1).where(reachingUser),
    'PRIMARY KEY',
  ],
  [
    'the overwrites that reach a member in every channel (lists, search, unreads)',
    () => db.selectFrom('channel_overwrites').selectAll().where(reachingUser),
    'channel_overwrites_by_target',
  ],
  [
    "a channel's overwrites, members then roles",
    () => db.selectFrom('channel_overwrites').selectAll().where('channel_id', '=', 1).orderBy('target_kind').orderBy('target_id'),
    'PRIMARY KEY',
  ],
  [
    "a member's overwrites after a cursor (export, erasure)",
    () =>
      db
        .selectFrom('channel_overwrites')
        .selectAll()
        .where('target_kind', '=', 'member')
        .where('target_id', '=', 3)
        .where('channel_id', '>', 0)
        .orderBy('channel_id')
        .limit(500),
    'channel_overwrites_by_target',
  ],
  [
    "a user's read state in a channel",
    () => db.selectFrom('read_states').selectAll().where('user_id', '=', 1).where('channel_id', '=', 1),
    'PRIMARY KEY',
  ],
];

describe('query plans of the waddle database', () => {
  it.each(patterns)('%s: no full scan, no temporary B-tree, served by %s', async (_, query, index) => {
    const plan = await explainQueryPlan(env.DB, query().compile());
    expect(planProblems(plan)).toEqual([]);
    expect(plan.map((step) => step.detail).join('\n')).toContain(index);
  });

  it("flags the draft's active-threads query (LEFT JOIN messages ... GROUP BY) as a temporary B-tree", async () => {
    const draft = sql`SELECT t.*, COUNT(m.id) AS recent_messages, MAX(m.created_at) AS last_activity
      FROM threads t LEFT JOIN messages m ON t.id = m.thread_id AND m.created_at > ${0}
      WHERE t.channel_id = ${1} GROUP BY t.id ORDER BY last_activity DESC LIMIT ${20}`;
    const plan = await explainQueryPlan(env.DB, draft.compile(db));
    expect(planProblems(plan).join('\n')).toMatch(/TEMP B-TREE/);
  });

  it('flags a query on an unindexed column as a full scan', async () => {
    const plan = await explainQueryPlan(env.DB, db.selectFrom('messages').selectAll().where('edited_at', '>', 0).compile());
    expect(planProblems(plan)).toEqual(['SCAN messages']);
  });
});
