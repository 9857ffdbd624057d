import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import { beforeEach, describe, expect, it } from 'vitest';
import { readCallerAccess } from '../src/access/caller-access.ts';
import { openWaddleDatabase, type WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

const NOW = testClock().now();
let waddle: WaddleDatabase;

/** The same database, counting its round trips (each `batch()` or statement run is one). */
function counted(database: WaddleDatabase): { waddle: WaddleDatabase; roundTrips: () => number } {
  let trips = 0;
  const real = new WeakMap<D1StatementLike, D1StatementLike>();
  const wrap = (statement: D1StatementLike): D1StatementLike => {
    const wrapped: D1StatementLike = {
      bind: (...values) => wrap(statement.bind(...values)),
      all: () => (trips++, statement.all()),
      run: () => (trips++, statement.run()),
      first: () => (trips++, statement.first()),
      raw: () => (trips++, statement.raw()),
    };
    real.set(wrapped, statement);
    return wrapped;
  };
  const d1: D1DatabaseLike = {
    prepare: (query) => wrap(database.d1.prepare(query)),
    batch: (statements) => (trips++, database.d1.batch(statements.map((statement) => real.get(statement) ?? statement))),
  };
  return { waddle: openWaddleDatabase(d1), roundTrips: () => trips };
}

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db
    .insertInto('roles')
    .values([
      { id: 5, name: 'mods', permissions: 4, position: 3 },
      { id: 6, name: 'helpers', permissions: 8, position: 1 },
    ])
    .execute();
  await waddle.db
    .insertInto('member_roles')
    .values([
      { user_id: 7, role_id: 5, granted_by: 1 },
      { user_id: 8, role_id: 6, granted_by: 1 },
    ])
    .execute();
  await waddle.db.insertInto('threads').values({ id: 11, channel_id: 2, title: 'topic', created_by: 7 }).execute();
  await waddle.db.insertInto('messages').values({ id: 21, channel_id: 3, user_id: 8, content: 'hi', created_at: NOW }).execute();
  await waddle.db
    .insertInto('bans')
    .values([
      { user_id: 9, banned_by: 1, banned_at: NOW - 10, expires_at: NOW + 1 },
      { user_id: 10, banned_by: 1, banned_at: NOW - 10, expires_at: NOW },
    ])
    .execute();
});

describe('readCallerAccess', () => {
  it("reads the caller's roles (the default one and their grants only) and the channel target in one round trip", async () => {
    const { waddle: watched, roundTrips } = counted(waddle);
    const found = await readCallerAccess(watched, { userId: 7, now: NOW }, { channelId: 2 });
    expect(roundTrips()).toBe(1);
    expect(found.banned).toBe(false);
    expect(found.roles.map((role) => [role.id, role.permissions, role.is_default]).sort()).toEqual([
      [0, 771, 1],
      [5, 4, 0],
    ]);
    expect(found.channel?.id).toBe(2);
    expect(found.overwrites).toEqual([]);
    expect(found.thread).toBeUndefined();
  });

  it("reads the target channel's overwrites that reach the caller: @everyone's, their roles', their own, not others'", async () => {
    await waddle.db
      .insertInto('channel_overwrites')
      .values([
        { channel_id: 2, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
        { channel_id: 2, target_kind: 'role', target_id: 5, allow: 1, deny: 0 },
        { channel_id: 2, target_kind: 'role', target_id: 6, allow: 1, deny: 0 },
        { channel_id: 2, target_kind: 'member', target_id: 7, allow: 0, deny: 2 },
        { channel_id: 2, target_kind: 'member', target_id: 8, allow: 2, deny: 0 },
        { channel_id: 3, target_kind: 'member', target_id: 7, allow: 4, deny: 0 },
      ])
      .execute();
    const { waddle: watched, roundTrips } = counted(waddle);
    const byThread = await readCallerAccess(watched, { userId: 7, now: NOW }, { threadId: 11 });
    expect(roundTrips()).toBe(1);
    const targets = (found: { overwrites: readonly { target_kind: string; target_id: number }[] }) =>
      found.overwrites.map((o) => `${o.target_kind} ${o.target_id}`).sort();
    expect(targets(byThread)).toEqual(['member 7', 'role 0', 'role 5']);
    expect(targets(await readCallerAccess(waddle, { userId: 8, now: NOW }, { channelId: 2 }))).toEqual(['member 8', 'role 0', 'role 6']);
    expect(targets(await readCallerAccess(waddle, { userId: 7, now: NOW }, { messageId: 21 }))).toEqual(['member 7']);
    expect((await readCallerAccess(waddle, { userId: 7, now: NOW })).overwrites).toEqual([]);
  });

  it('finds the channel of a thread and of a message, and no channel for an unknown target', async () => {
    const byThread = await readCallerAccess(waddle, { userId: 7, now: NOW }, { threadId: 11 });
    expect([byThread.channel?.id, byThread.thread?.title]).toEqual([2, 'topic']);
    const byMessage = await readCallerAccess(waddle, { userId: 7, now: NOW }, { messageId: 21 });
    expect([byMessage.channel?.id, byMessage.message]).toEqual([
      3,
      { id: 21, channel_id: 3, thread_id: null, user_id: 8, is_deleted: 0, is_pinned: 0 },
    ]);
    const unknown = await readCallerAccess(waddle, { userId: 7, now: NOW }, { threadId: 999 });
    expect([unknown.channel, unknown.thread]).toEqual([undefined, undefined]);
    expect(await readCallerAccess(waddle, { userId: 7, now: NOW })).not.toHaveProperty('channel');
  });

  it('counts a ban that expires later, not one that expired at now', async () => {
    expect((await readCallerAccess(waddle, { userId: 9, now: NOW })).banned).toBe(true);
    expect((await readCallerAccess(waddle, { userId: 10, now: NOW })).banned).toBe(false);
    expect((await readCallerAccess(waddle, { userId: 9, now: NOW + 1 })).banned).toBe(false);
  });
});
