import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { DB } from '../src/generated/database.ts';
import { waddleMigrations } from '../src/migrations/index.ts';
import { freshWaddleDatabase } from './migrated-database.ts';

let db: Kysely<DB>;
beforeEach(async () => {
  db = await freshWaddleDatabase();
  await db
    .insertInto('channels')
    .values([
      { id: 1, name: 'lounge', type: 'voice', created_by: 1 },
      { id: 2, name: 'stage', type: 'voice', created_by: 1 },
    ])
    .execute();
  await db
    .insertInto('voice_sessions')
    .values([
      { id: 1, channel_id: 1, started_by: 1, started_at: 1_000 },
      { id: 2, channel_id: 2, started_by: 2, started_at: 1_000 },
    ])
    .execute();
});

const join = (sessionId: number, userId: number, at: number) =>
  env.DB.prepare('INSERT INTO voice_session_participants (session_id, user_id, joined_at, last_seen_at) VALUES (?, ?, ?, ?)')
    .bind(sessionId, userId, at, at)
    .run();
const leave = (sessionId: number, userId: number, at: number) =>
  env.DB.prepare('UPDATE voice_session_participants SET left_at = ? WHERE session_id = ? AND user_id = ? AND left_at IS NULL')
    .bind(at, sessionId, userId)
    .run();
const session = (id: number) =>
  db.selectFrom('voice_sessions').select(['ended_at', 'max_participants']).where('id', '=', id).executeTakeFirstOrThrow();

describe('the voice session lifecycle, kept by the schema', () => {
  it('raises max_participants to the peak of open participations, and never lowers it', async () => {
    await join(1, 1, 1_000);
    await join(1, 2, 1_100);
    await join(1, 3, 1_200);
    await leave(1, 2, 1_300);
    await leave(1, 3, 1_300);
    await join(1, 4, 1_400);
    expect(await session(1)).toEqual({ ended_at: null, max_participants: 3 });
  });

  it('ends a session when its last participant leaves, at the latest time anyone left', async () => {
    await join(1, 1, 1_000);
    await join(1, 2, 1_100);
    await leave(1, 2, 1_900);
    expect((await session(1)).ended_at).toBeNull();
    await env.DB.prepare('UPDATE voice_session_participants SET left_at = last_seen_at WHERE user_id = 1').run();
    // User 1 was last seen at 1,000, user 2 left at 1,900: the session was alive until 1,900.
    expect(await session(1)).toEqual({ ended_at: 1_900, max_participants: 2 });
  });

  it('closes every open participation when a session ends, and refuses to reopen it', async () => {
    await join(1, 1, 1_000);
    await join(1, 2, 1_100);
    await db.updateTable('voice_sessions').set({ ended_at: 5_000 }).where('id', '=', 1).execute();
    expect(await db.selectFrom('voice_session_participants').select(['user_id', 'left_at']).orderBy('user_id').execute()).toEqual([
      { user_id: 1, left_at: 5_000 },
      { user_id: 2, left_at: 5_000 },
    ]);
    await expect(env.DB.prepare('UPDATE voice_sessions SET ended_at = NULL WHERE id = 1').run()).rejects.toThrow(/stays ended/);
    await expect(join(1, 3, 6_000)).rejects.toThrow(/the session has ended/);
  });

  it('keeps one open session per channel and one open participation per member', async () => {
    await expect(env.DB.prepare('INSERT INTO voice_sessions (channel_id, started_at) VALUES (1, 2000)').run()).rejects.toThrow(
      /UNIQUE constraint failed: voice_sessions\.channel_id/,
    );
    await join(1, 1, 1_000);
    await expect(join(2, 1, 1_100)).rejects.toThrow(/UNIQUE constraint failed: voice_session_participants\.user_id/);
    await expect(join(1, 1, 1_100)).rejects.toThrow(/UNIQUE constraint failed/);
    // Once out of the first, the member may join the other; an ended session frees its channel.
    await leave(1, 1, 1_200);
    await join(2, 1, 1_300);
    await env.DB.prepare('INSERT INTO voice_sessions (channel_id, started_at) VALUES (1, 2000)').run();
  });

  it('ends a session whose last open participation is deleted (an erasure), at the latest time anyone was seen', async () => {
    await join(1, 1, 1_000);
    await join(1, 2, 1_100);
    await leave(1, 1, 1_500);
    await env.DB.prepare('UPDATE voice_session_participants SET last_seen_at = 1700 WHERE user_id = 2').run();
    await db.deleteFrom('voice_session_participants').where('user_id', '=', 2).execute();
    expect(await session(1)).toEqual({ ended_at: 1_700, max_participants: 2 });
  });

  it('refuses times out of order', async () => {
    await expect(
      env.DB.prepare(
        'INSERT INTO voice_session_participants (session_id, user_id, joined_at, last_seen_at) VALUES (1, 1, 2000, 1000)',
      ).run(),
    ).rejects.toThrow(/CHECK constraint failed/);
    await join(1, 1, 2_000);
    await expect(leave(1, 1, 1_000)).rejects.toThrow(/CHECK constraint failed/);
  });

  it('closes, at their start, the open sessions of a database migrated before participants existed', async () => {
    await reset();
    const before = waddleMigrations.findIndex((migration) => migration.name === '0025_create_voice_participants');
    const older = await new Migrator({ database: env.DB, migrations: waddleMigrations.slice(0, before) }).migrateToLatest();
    expect(older.error).toBeUndefined();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO channels (id, name, type, created_by) VALUES (1, 'lounge', 'voice', 1)"),
      env.DB.prepare('INSERT INTO voice_sessions (channel_id, started_at) VALUES (1, 1000), (1, 2000)'),
      env.DB.prepare('INSERT INTO voice_sessions (channel_id, started_at, ended_at) VALUES (1, 3000, 3500)'),
    ]);
    const latest = await new Migrator({ database: env.DB, migrations: waddleMigrations }).migrateToLatest();
    expect(latest.error).toBeUndefined();
    const { results } = await env.DB.prepare('SELECT started_at, ended_at FROM voice_sessions ORDER BY id').all();
    expect(results).toEqual([
      { started_at: 1000, ended_at: 1000 },
      { started_at: 2000, ended_at: 2000 },
      { started_at: 3000, ended_at: 3500 },
    ]);
  });
});
