import { Permission } from '../src/access/permissions.ts';
import { env } from 'cloudflare:test';
import { type TestClock, testClock } from '@waddle/clock/test-clock';
import { VOICE_PARTICIPANT_TIMEOUT_MS } from '@waddle/queries/voice/stale-participations';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '../src/api-app.ts';
import { type ApiAnswer, CHANNEL, call, freshPlatform, type Persona, snapshot, tokenFor, USER, VOICE_SESSION, WADDLE } from './fixture.ts';
import { expectContractKept } from './response-contract.ts';

const w = `/v1/waddles/${WADDLE.private}`;
const sessions = (channel: number) => `${w}/channels/${channel}/voice-sessions`;
const session = (id: number, channel: number = CHANNEL.lounge) => `${sessions(channel)}/${id}`;
const lounge = session(VOICE_SESSION.lounge);

/** Members 20 to 31 of the private waddle, for the joins that race. */
const CROWD = Array.from({ length: 12 }, (_, i) => 20 + i);

beforeEach(async () => {
  await freshPlatform();
  const central = env.CENTRAL_DB;
  await central.batch([
    central.prepare(`INSERT INTO users (id, username) VALUES ${CROWD.map((id) => `(${id}, 'crowd-${id}')`).join(', ')}`),
    central.prepare(`INSERT INTO waddle_members (waddle_id, user_id) VALUES ${CROWD.map((id) => `(1, ${id})`).join(', ')}`),
  ]);
});

/** The API at the time of `clock` (the app the Worker serves, handed this clock), as `who`; held to the routes' contract like `call`. */
async function callAt(clock: TestClock, who: Persona | number, method: string, path: string): Promise<ApiAnswer> {
  const request = new Request(`http://waddle${path}`, { method, headers: { authorization: `Bearer ${await tokenFor(who)}` } });
  const response = await createApiApp(clock.now).fetch(request, env as unknown as Env);
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  expectContractKept(method, path, response.status, body);
  return { status: response.status, body, headers: response.headers };
}

const participants = async (path: string, who: Persona = 'member') => {
  const answer = await call(who, 'GET', `${path}/participants?limit=100`);
  expect(answer.status).toBe(200);
  return answer.body.participants as { userId: number; joinedAt: number; lastSeenAt: number; leftAt: number | null }[];
};

describe('voice sessions through the API', () => {
  it('starts a session with the starter in it; refuses a second open one, a text channel and an archived channel, writing nothing', async () => {
    const started = await call('member', 'POST', sessions(CHANNEL.stage));
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      channelId: CHANNEL.stage,
      startedBy: USER.member,
      endedAt: null,
      maxParticipants: 1,
      participantCount: 1,
    });
    expect((await participants(session(started.body.id, CHANNEL.stage))).map((p) => [p.userId, p.leftAt])).toEqual([[USER.member, null]]);

    const before = await snapshot();
    const busy = await call('owner', 'POST', sessions(CHANNEL.stage));
    expect([busy.status, busy.body.error.code]).toEqual([409, 'voice_session_open']);
    const text = await call('owner', 'POST', sessions(CHANNEL.general));
    expect([text.status, text.body.error.code]).toEqual([400, 'not_a_voice_channel']);
    expect((await call('member', 'GET', sessions(CHANNEL.general))).status).toBe(400);
    expect(await snapshot()).toBe(before);

    await env.WADDLE_PRIVATE.prepare('UPDATE channels SET is_archived = 1 WHERE id = ?').bind(CHANNEL.lounge).run();
    const archived = await snapshot();
    const joinArchived = await call('owner', 'POST', `${lounge}/join`);
    expect([joinArchived.status, joinArchived.body.error.code]).toEqual([403, 'channel_archived']);
    expect(await snapshot()).toBe(archived);
    // Leaving and ending still work in an archived channel.
    expect((await call('moderator', 'POST', `${lounge}/end`)).status).toBe(200);
  });

  it('keeps maxParticipants exact under racing joins and leaves, and lists every stint once across pages', async () => {
    const joins = await Promise.all(CROWD.map((id) => call(id, 'POST', `${lounge}/join`)));
    expect(joins.map((answer) => answer.status)).toEqual(CROWD.map(() => 201));
    const full = await call('member', 'GET', `${sessions(CHANNEL.lounge)}?limit=5`);
    expect(full.body.sessions).toMatchObject([{ id: VOICE_SESSION.lounge, maxParticipants: 13, participantCount: 13, endedAt: null }]);

    const leaving = CROWD.slice(0, 8);
    const leaves = await Promise.all(leaving.map((id) => call(id, 'POST', `${lounge}/leave`)));
    expect(leaves.map((answer) => answer.status)).toEqual(leaving.map(() => 200));
    const rejoins = await Promise.all(CROWD.slice(0, 3).map((id) => call(id, 'POST', `${lounge}/join`)));
    expect(rejoins.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const after = await call('member', 'GET', sessions(CHANNEL.lounge));
    expect(after.body.sessions[0]).toMatchObject({ maxParticipants: 13, participantCount: 8 });

    // 1 (the moderator) + 12 + 3 rejoins = 16 stints, in the order they joined, each once over pages of 5.
    const seen: [number, boolean][] = [];
    let cursor: string | null = null;
    do {
      const page: ApiAnswer = await call('member', 'GET', `${lounge}/participants?limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(
        ...page.body.participants.map((p: { userId: number; leftAt: number | null }) => [p.userId, p.leftAt === null] as [number, boolean]),
      );
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(16);
    expect(seen.slice(0, 1)).toEqual([[USER.moderator, true]]);
    expect(
      seen
        .slice(1, 13)
        .map(([id]) => id)
        .sort(),
    ).toEqual(CROWD);
    expect(seen.filter(([, inIt]) => inIt).length).toBe(8);
  });

  it('keeps a member in one session of the waddle: joining or starting another moves them, and the last one out ends the first', async () => {
    expect((await call('member', 'POST', `${lounge}/join`)).status).toBe(201);
    const stage = await call('member', 'POST', sessions(CHANNEL.stage));
    expect(stage.status).toBe(201);
    const inLounge = await participants(lounge);
    expect(inLounge.map((p) => [p.userId, p.leftAt === null])).toEqual([
      [USER.moderator, true],
      [USER.member, false],
    ]);
    // Back to the lounge: the stage loses its only participant and ends then.
    const back = await call('member', 'POST', `${lounge}/join`);
    expect(back.body).toMatchObject({ participantCount: 2 });
    const stageNow = (await call('member', 'GET', sessions(CHANNEL.stage))).body.sessions[0];
    const [stageStint] = await participants(session(stage.body.id, CHANNEL.stage));
    expect(stageNow).toMatchObject({ id: stage.body.id, participantCount: 0, endedAt: stageStint!.leftAt });
    const open = await env.WADDLE_PRIVATE.prepare(
      'SELECT count(*) AS n FROM voice_session_participants WHERE user_id = ? AND left_at IS NULL',
    )
      .bind(USER.member)
      .first<{ n: number }>();
    expect(open!.n).toBe(1);

    // The last participant leaving ends the session at that moment; a later join is refused.
    expect((await call('member', 'POST', `${lounge}/leave`)).body).toMatchObject({ endedAt: null, participantCount: 1 });
    const last = await call('moderator', 'POST', `${lounge}/leave`);
    const moderatorStint = (await participants(lounge)).find((p) => p.userId === USER.moderator)!;
    expect(last.body).toMatchObject({ participantCount: 0, endedAt: moderatorStint.leftAt, maxParticipants: 2 });
    const late = await call('owner', 'POST', `${lounge}/join`);
    expect([late.status, late.body.error.code]).toEqual([409, 'voice_session_ended']);
  });

  it('closes a participant who stopped repeating the join after the timeout, and ends the session when nobody is left, by the clock', async () => {
    const clock = testClock();
    expect((await callAt(clock, 'member', 'POST', `${lounge}/join`)).status).toBe(201);
    clock.advance(VOICE_PARTICIPANT_TIMEOUT_MS - 60_000);
    expect((await callAt(clock, 'member', 'POST', `${lounge}/join`)).status).toBe(200); // the keep-alive
    const keptAliveAt = clock.now();

    // The moderator (in it since the fixture, before this clock started) has not been seen for longer than the timeout.
    clock.advance(2 * 60_000);
    const one = await callAt(clock, 'member', 'GET', sessions(CHANNEL.lounge));
    expect(one.body.sessions[0]).toMatchObject({ participantCount: 1, endedAt: null });

    clock.set(keptAliveAt + VOICE_PARTICIPANT_TIMEOUT_MS + 1);
    const stale = await callAt(clock, 'member', 'GET', `${lounge}/participants`);
    expect(stale.body.session).toMatchObject({ participantCount: 0, endedAt: keptAliveAt, maxParticipants: 2 });
    expect(stale.body.participants.map((p: { userId: number; leftAt: number; lastSeenAt: number }) => p.leftAt === p.lastSeenAt)).toEqual([
      true,
      true,
    ]);
    const late = await callAt(clock, 'owner', 'POST', `${lounge}/join`);
    expect([late.status, late.body.error.code]).toEqual([409, 'voice_session_ended']);
    // The channel is free again.
    expect((await callAt(clock, 'owner', 'POST', sessions(CHANNEL.lounge))).status).toBe(201);
  });

  it('lets the starter or MANAGE_CHANNELS end a session (audited when it is someone else’s); anyone else gets 403 with nothing written', async () => {
    expect((await call('member', 'POST', `${lounge}/join`)).status).toBe(201);
    const before = await snapshot();
    const refused = await call('member', 'POST', `${lounge}/end`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'missing_permission']);
    expect(await snapshot()).toBe(before);

    const ended = await call('owner', 'POST', `${lounge}/end`);
    expect(ended.body).toMatchObject({ participantCount: 0, maxParticipants: 2 });
    expect(ended.body.endedAt).toEqual(expect.any(Number));
    expect((await participants(lounge)).every((p) => p.leftAt === ended.body.endedAt)).toBe(true);
    const audit = await env.CENTRAL_DB.prepare(
      "SELECT user_id, resource_id, metadata FROM audit_log WHERE action = 'voice_session.end'",
    ).all();
    expect(audit.results).toEqual([
      {
        user_id: USER.owner,
        resource_id: `${WADDLE.private}:${VOICE_SESSION.lounge}`,
        metadata: JSON.stringify({ channelId: CHANNEL.lounge, startedBy: USER.moderator }),
      },
    ]);
    // Ending it again changes nothing.
    expect((await call('moderator', 'POST', `${lounge}/end`)).body).toEqual(ended.body);
  });

  it('answers a session in a voice channel the caller cannot see, and one of another channel, exactly like unknown ones', async () => {
    const waddle = env.WADDLE_PRIVATE;
    await waddle.batch([
      waddle.prepare("INSERT INTO channels (id, name, type, created_by) VALUES (8, 'backstage', 'voice', 1)"),
      // Private: hidden from @everyone, shown to the moderator.
      waddle
        .prepare(
          "INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (8, 'role', 0, 0, ?1), (8, 'member', ?2, ?1, 0)",
        )
        .bind(Permission.VIEW_CHANNELS, USER.moderator),
      waddle.prepare('INSERT INTO voice_sessions (id, channel_id, started_by, started_at) VALUES (2, 8, 1, ?)').bind(testClock().now()),
      waddle
        .prepare('INSERT INTO voice_session_participants (session_id, user_id, joined_at, last_seen_at) VALUES (2, 1, ?, ?)')
        .bind(testClock().now(), testClock().now()),
    ]);
    expect((await call('moderator', 'GET', `${session(2, 8)}/participants`)).status).toBe(200);
    const before = await snapshot();
    for (const [method, suffix] of [
      ['GET', ''],
      ['POST', ''],
      ['POST', '/2/join'],
      ['POST', '/2/leave'],
      ['POST', '/2/end'],
      ['GET', '/2/participants'],
    ] as const) {
      const hidden = await call('member', method, `${sessions(8)}${suffix}`);
      const unknown = await call('member', method, `${sessions(999)}${suffix}`);
      expect({ method, suffix, status: hidden.status, body: hidden.body }).toEqual({ method, suffix, status: 404, body: unknown.body });
    }
    for (const action of ['join', 'leave', 'end']) {
      const elsewhere = await call('owner', 'POST', `${session(VOICE_SESSION.lounge, CHANNEL.stage)}/${action}`);
      const unknown = await call('owner', 'POST', `${session(999, CHANNEL.stage)}/${action}`);
      expect({ action, status: elsewhere.status, body: elsewhere.body }).toEqual({ action, status: 404, body: unknown.body });
      expect(unknown.body.error.message).toBe('voice session not found');
    }
    expect(await snapshot()).toBe(before);
  });
});
