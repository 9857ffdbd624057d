import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { endVoiceSession } from '../src/voice/end-voice-session.ts';
import { joinVoiceSession } from '../src/voice/join-voice-session.ts';
import { leaveVoiceSession } from '../src/voice/leave-voice-session.ts';
import { listVoiceParticipants, voiceParticipantPageQuery } from '../src/voice/list-voice-participants.ts';
import { listVoiceSessions, voiceSessionPageQuery } from '../src/voice/list-voice-sessions.ts';
import { closeStaleParticipations, VOICE_PARTICIPANT_TIMEOUT_MS } from '../src/voice/stale-participations.ts';
import { startVoiceSession } from '../src/voice/start-voice-session.ts';
import { voiceSessionQuery } from '../src/voice/voice-session-row.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
const clock = testClock();

beforeEach(async () => {
  waddle = await freshWaddle();
  clock.set(testClock().now());
});

async function started(channelId: number, userId: number) {
  const result = await startVoiceSession(waddle, { channelId, userId, now: clock.now() });
  if (result.outcome !== 'started') throw new Error(`channel ${channelId} is busy`);
  return result.session;
}

const stints = async () =>
  (
    await waddle.db
      .selectFrom('voice_session_participants')
      .select(['session_id', 'user_id', 'joined_at', 'left_at'])
      .orderBy('id')
      .execute()
  ).map((row) => [row.session_id, row.user_id, row.left_at === null ? 'in' : row.left_at - row.joined_at]);

const everything = async () =>
  JSON.stringify([
    await waddle.db.selectFrom('voice_sessions').selectAll().orderBy('id').execute(),
    await waddle.db.selectFrom('voice_session_participants').selectAll().orderBy('id').execute(),
  ]);

describe('voice sessions in the query library', () => {
  it('starts a session with its starter in it, and refuses a second open one in the channel with nothing written', async () => {
    const session = await started(1, 7);
    expect(session).toMatchObject({ channel_id: 1, started_by: 7, ended_at: null, max_participants: 1, participant_count: 1 });
    const before = await everything();
    expect(await startVoiceSession(waddle, { channelId: 1, userId: 8, now: clock.now() })).toEqual({ outcome: 'channel_busy' });
    expect(await everything()).toBe(before);
  });

  it('joins, keeps alive, moves a member from one session to another, and ends a session with its last leave', async () => {
    const lounge = await started(1, 7);
    const stage = await started(2, 8);
    const join = (sessionId: number, channelId: number, userId: number) =>
      joinVoiceSession(waddle, { channelId, sessionId, userId, now: clock.now() });

    expect(await join(lounge.id, 1, 9)).toMatchObject({ outcome: 'joined', session: { participant_count: 2, max_participants: 2 } });
    clock.advance(60_000);
    expect((await join(lounge.id, 1, 9)).outcome).toBe('still_in');
    const seen = await waddle.db.selectFrom('voice_session_participants').select('last_seen_at').where('user_id', '=', 9).execute();
    expect(seen).toEqual([{ last_seen_at: clock.now() }]);
    // The session is looked for in its own channel only.
    expect(await join(lounge.id, 2, 9)).toEqual({ outcome: 'not_found' });

    // 9 moves to the stage: out of the lounge first.
    clock.advance(1_000);
    expect(await join(stage.id, 2, 9)).toMatchObject({ outcome: 'joined', session: { participant_count: 2 } });
    expect(await stints()).toEqual([
      [lounge.id, 7, 'in'],
      [stage.id, 8, 'in'],
      [lounge.id, 9, 61_000],
      [stage.id, 9, 'in'],
    ]);

    clock.advance(1_000);
    const left = await leaveVoiceSession(waddle, { channelId: 1, sessionId: lounge.id, userId: 7, now: clock.now() });
    expect(left).toMatchObject({ outcome: 'left', session: { ended_at: clock.now(), participant_count: 0, max_participants: 2 } });
    expect(await leaveVoiceSession(waddle, { channelId: 1, sessionId: lounge.id, userId: 7, now: clock.now() })).toMatchObject({
      outcome: 'not_in',
    });
    expect(await join(lounge.id, 1, 9)).toMatchObject({ outcome: 'ended' });
    expect((await waddle.db.selectFrom('voice_session_participants').select('user_id').where('left_at', 'is', null).execute()).length).toBe(
      2,
    );
  });

  it('keeps max_participants exact when joins race', async () => {
    const session = await started(1, 1);
    const members = Array.from({ length: 12 }, (_, i) => 100 + i);
    const joins = await Promise.all(
      members.map((userId) => joinVoiceSession(waddle, { channelId: 1, sessionId: session.id, userId, now: clock.now() })),
    );
    expect(joins.every((join) => join.outcome === 'joined')).toBe(true);
    const after = await voiceSessionQuery(waddle.db).where('s.id', '=', session.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ max_participants: 13, participant_count: 13 });
  });

  it('ends a session by its starter or by one who may end any; others are refused and change nothing', async () => {
    const session = await started(1, 7);
    await joinVoiceSession(waddle, { channelId: 1, sessionId: session.id, userId: 8, now: clock.now() });
    const end = (userId: number, mayEndAny: boolean) =>
      endVoiceSession(waddle, { channelId: 1, sessionId: session.id, userId, mayEndAny, now: clock.now() });
    const before = await everything();
    expect((await end(8, false)).outcome).toBe('not_allowed');
    expect(await everything()).toBe(before);
    clock.advance(10_000);
    expect(await end(7, false)).toMatchObject({ outcome: 'ended', session: { ended_at: clock.now(), participant_count: 0 } });
    expect(await stints()).toEqual([
      [session.id, 7, 10_000],
      [session.id, 8, 10_000],
    ]);
    expect((await end(9, true)).outcome).toBe('already_ended');
    expect(
      (await endVoiceSession(waddle, { channelId: 2, sessionId: session.id, userId: 7, mayEndAny: true, now: clock.now() })).outcome,
    ).toBe('not_found');
  });

  it('closes stale participations on the next voice query, at the time each was last seen, and ends a session nobody kept alive', async () => {
    const lounge = await started(1, 7);
    const startedAt = clock.now();
    await joinVoiceSession(waddle, { channelId: 1, sessionId: lounge.id, userId: 8, now: clock.now() });
    clock.advance(120_000);
    await joinVoiceSession(waddle, { channelId: 1, sessionId: lounge.id, userId: 8, now: clock.now() });
    const lastSeen = clock.now();

    // Exactly at the timeout after the starter's last sign of life nothing is stale yet.
    clock.set(startedAt + VOICE_PARTICIPANT_TIMEOUT_MS);
    expect((await listVoiceSessions(waddle, { channelId: 1, now: clock.now(), limit: 10 }))[0]).toMatchObject({ participant_count: 2 });
    clock.advance(1);
    expect((await listVoiceSessions(waddle, { channelId: 1, now: clock.now(), limit: 10 }))[0]).toMatchObject({
      ended_at: null,
      participant_count: 1,
    });
    clock.set(lastSeen + VOICE_PARTICIPANT_TIMEOUT_MS + 1);
    const { session, participations } = await listVoiceParticipants(waddle, {
      channelId: 1,
      sessionId: lounge.id,
      now: clock.now(),
      limit: 10,
    });
    expect(session).toMatchObject({ ended_at: lastSeen, participant_count: 0, max_participants: 2 });
    expect(participations.map((p) => [p.user_id, p.left_at])).toEqual([
      [7, startedAt],
      [8, lastSeen],
    ]);
    // A stale session frees its channel: a new one starts there.
    expect((await startVoiceSession(waddle, { channelId: 1, userId: 9, now: clock.now() })).outcome).toBe('started');
  });

  it('pages the sessions of a channel, most recently started first, ties by id, each once', async () => {
    const ids: number[] = [];
    const base = clock.now();
    for (const offset of [1_000, 2_000, 2_000, 2_000, 3_000]) {
      const at = clock.set(base + offset);
      const session = await started(1, 7);
      await endVoiceSession(waddle, { channelId: 1, sessionId: session.id, userId: 7, mayEndAny: false, now: at });
      ids.push(session.id);
    }
    await started(2, 8);
    const pages: number[][] = [];
    let after: { startedAt: number; id: number } | undefined;
    for (;;) {
      const rows = await listVoiceSessions(waddle, { channelId: 1, now: clock.now(), limit: 2, after });
      pages.push(rows.map((row) => row.id));
      const last = rows.at(-1);
      if (rows.length < 2 || !last) break;
      after = { startedAt: last.started_at, id: last.id };
    }
    expect(pages).toEqual([[ids[4], ids[1]], [ids[2], ids[3]], [ids[0]]]);
  });

  it('runs each statement through an index: no full scan, no temporary B-tree', async () => {
    const { db } = waddle;
    const statements = [
      closeStaleParticipations(db, clock.now()),
      voiceSessionPageQuery(db, 1, 21),
      voiceSessionPageQuery(db, 1, 21, { startedAt: clock.now(), id: 5 }),
      voiceParticipantPageQuery(db, 1, 51, 10),
      voiceSessionQuery(db).where('s.id', '=', 1).where('s.channel_id', '=', 1),
      db.selectFrom('voice_session_participants').select('id').where('user_id', '=', 7).where('left_at', 'is', null),
    ];
    for (const statement of statements) {
      const compiled = statement.compile();
      expect({ sql: compiled.sql, problems: planProblems(await explainQueryPlan(env.DB, compiled)) }).toEqual({
        sql: compiled.sql,
        problems: [],
      });
    }
  });
});
