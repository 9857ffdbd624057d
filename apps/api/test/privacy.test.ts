import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { advanceJob } from '@waddle/privacy/advance-job';
import { indexedTerms, occurrences } from '@waddle/privacy/byte-scan';
import { readPrivacyJob } from '@waddle/privacy/privacy-job';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startErasure } from '@waddle/privacy/start-erasure';
import { startExport } from '@waddle/privacy/start-export';
import { exportArchive } from '@waddle/privacy/export-archive';
import { findActivityDrift } from '@waddle/queries/threads/activity-drift';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { bindingConnector, type DatabaseConnector } from '@waddle/registry/database-connectors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../src/index.ts';
import { tokenFor, USER } from './fixture.ts';
import { expectContractKept } from './response-contract.ts';
import {
  DISTINCTIVE,
  DISTINCTIVE_TERMS,
  SHARED_THREAD_TITLE,
  SUBJECT,
  SUBJECT_WADDLES,
  THREAD,
  seedSubject,
  waddleDatabase,
} from './privacy-fixture.ts';

const connectors: DatabaseConnector[] = [bindingConnector(env as unknown as Record<string, unknown>)];

async function callAs(userId: number, method: string, path: string): Promise<Response> {
  const response = await exports.default.fetch(`http://waddle${path}`, {
    method,
    headers: { authorization: `Bearer ${await tokenFor(userId)}` },
  });
  const text = await response.clone().text();
  expectContractKept(method, path, response.status, text ? JSON.parse(text) : undefined);
  return response;
}

async function everyOccurrence(): Promise<string[]> {
  const strings = Object.values(DISTINCTIVE);
  const found = await occurrences(env.CENTRAL_DB, 'central', strings);
  for (const { id, binding } of SUBJECT_WADDLES) {
    found.push(...(await occurrences(waddleDatabase(binding), `waddle ${id}`, strings)));
    found.push(...(await indexedTerms(waddleDatabase(binding), `waddle ${id}`, DISTINCTIVE_TERMS)));
  }
  return found;
}

/** Other users' rows, to show an erasure leaves them as they were (reactions on the subject's messages aside: those go with the messages). */
async function othersData(): Promise<string> {
  const parts = [
    JSON.stringify((await env.CENTRAL_DB.prepare('SELECT * FROM users WHERE id <> ? ORDER BY id').bind(SUBJECT).all()).results),
    JSON.stringify(
      (await env.CENTRAL_DB.prepare('SELECT * FROM waddle_members WHERE user_id <> ? ORDER BY waddle_id, user_id').bind(SUBJECT).all())
        .results,
    ),
    JSON.stringify(
      (await env.CENTRAL_DB.prepare('SELECT * FROM audit_log WHERE user_id IS NOT ? ORDER BY id').bind(SUBJECT).all()).results,
    ),
  ];
  for (const { binding } of SUBJECT_WADDLES) {
    const d1 = waddleDatabase(binding);
    for (const sql of [
      'SELECT * FROM messages WHERE user_id <> ? ORDER BY id',
      'SELECT r.* FROM reactions r JOIN messages m ON m.id = r.message_id WHERE r.user_id <> ?1 AND m.user_id <> ?1 ORDER BY 1, 2, 3',
      'SELECT * FROM read_states WHERE user_id <> ? ORDER BY 1, 2',
      'SELECT * FROM member_roles WHERE user_id <> ? ORDER BY 1, 2',
      'SELECT * FROM voice_sessions WHERE started_by <> ? ORDER BY id',
      'SELECT * FROM voice_session_participants WHERE user_id <> ? ORDER BY id',
      'SELECT * FROM threads WHERE created_by <> ? ORDER BY id',
      "SELECT * FROM channel_overwrites WHERE NOT (target_kind = 'member' AND target_id = ?) ORDER BY 1, 2, 3",
      "SELECT m.id FROM messages_fts f JOIN messages m ON m.id = f.rowid WHERE messages_fts MATCH 'owner' AND m.user_id <> ? ORDER BY m.id",
    ]) {
      parts.push(JSON.stringify((await d1.prepare(sql).bind(SUBJECT).all()).results));
    }
  }
  return parts.join('\n');
}

/** Every denormalized counter against its recomputation: thread and channel activity, edit counts, member counts. */
async function counterDrift(): Promise<unknown[]> {
  const drift: unknown[] = [];
  const members = await env.CENTRAL_DB.prepare(
    'SELECT id, member_count, (SELECT count(*) FROM waddle_members WHERE waddle_id = w.id) AS actual FROM waddles w',
  ).all<{ id: number; member_count: number; actual: number }>();
  drift.push(...members.results.filter((row) => row.member_count !== row.actual));
  for (const { binding } of SUBJECT_WADDLES) {
    const waddle = openWaddleDatabase(waddleDatabase(binding));
    let scan = await findActivityDrift(waddle);
    drift.push(...scan.drift);
    while (scan.next) {
      scan = await findActivityDrift(waddle, { after: scan.next });
      drift.push(...scan.drift);
    }
    const edits = await waddle.d1
      .prepare('SELECT id FROM messages m WHERE edit_count <> (SELECT count(*) FROM message_edits WHERE message_id = m.id)')
      .all();
    drift.push(...edits.results);
  }
  return drift;
}

/** Every row of the central database's job tables: equal snapshots mean no job moved. */
async function centralSnapshot(): Promise<string> {
  const tables = ['privacy_jobs', 'privacy_job_parts', 'export_chunks', 'audit_log'];
  const rows = await Promise.all(
    tables.map(async (table) =>
      (await env.CENTRAL_DB.prepare(`SELECT * FROM ${table}`).all()).results.map((row) => JSON.stringify(row)).sort(),
    ),
  );
  return JSON.stringify(rows);
}

async function erasureParts(jobId: number) {
  return (await readPrivacyJob(env.CENTRAL_DB, jobId))!.parts.map(({ part, status, rowsDone, attempts, error, finishedAt }) => ({
    part,
    status,
    rowsDone,
    attempts,
    error,
    finishedAt,
  }));
}

beforeEach(seedSubject);

// Seeding five databases and scanning every table of each takes seconds on a loaded 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

describe('export', () => {
  it('POST /v1/me/export starts a job that POST /v1/me/export/{job}/advance advances, then GET /v1/me/export/{job} serves an archive with every seeded item', async () => {
    await env.CENTRAL_DB.prepare('UPDATE waddles SET owner_id = ? WHERE id = 5').bind(SUBJECT).run();
    const started = await callAs(SUBJECT, 'POST', '/v1/me/export');
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: number; databases: { waddleId: number | null }[] };
    expect(job.databases.map((d) => d.waddleId)).toEqual([null, 1, 2, 3, 4, 5]);

    let advanced = await callAs(SUBJECT, 'POST', `/v1/me/export/${job.id}/advance`);
    const progress = [job as unknown as { status: string; finishedAt: number | null; archiveExpiresAt: number | null }];
    for (let steps = 0; advanced.status === 202 && steps < 20; steps++) {
      progress.push(await advanced.json());
      advanced = await callAs(SUBJECT, 'POST', `/v1/me/export/${job.id}/advance`);
    }
    expect(advanced.status).toBe(200);
    progress.push(await advanced.json());
    const answer = await callAs(SUBJECT, 'GET', `/v1/me/export/${job.id}`);
    expect(answer.status).toBe(200);
    // While it runs the job names no expiry; once done, the archive is kept 168 hours (wrangler.jsonc).
    const done = progress.find((body) => body.status === 'done')!;
    expect(progress.filter((body) => body.status === 'running').every((body) => body.archiveExpiresAt === null)).toBe(true);
    expect(done.archiveExpiresAt).toBe(done.finishedAt! + 168 * 3_600_000);
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="waddle-export-${job.id}.json"`);
    const archive = (await answer.json()) as { format: string; userId: number; records: { type: string; waddleId?: number; data: any }[] };
    expect(archive.format).toBe('waddle-export/1');
    expect(archive.userId).toBe(SUBJECT);
    const text = JSON.stringify(archive);
    for (const [what, value] of Object.entries(DISTINCTIVE))
      expect({ what, found: text.includes(JSON.stringify(value).slice(1, -1)) }).toEqual({ what, found: true });

    const of = (type: string) => archive.records.filter((r) => r.type === type);
    expect(of('profile')[0]!.data).toMatchObject({
      email: DISTINCTIVE.email,
      username: DISTINCTIVE.username,
      display_name: DISTINCTIVE.displayName,
      bio: DISTINCTIVE.bio,
    });
    expect(JSON.parse(of('settings')[0]!.data.settings_json)).toEqual({ signature: DISTINCTIVE.settings });
    expect(of('membership').map((r) => [r.waddleId, r.data.is_member, r.data.is_owner, r.data.nickname])).toEqual([
      [1, 1, 0, DISTINCTIVE.nickname],
      [2, 1, 0, null],
      [3, 1, 0, null],
      [4, 0, 0, null],
      [5, 1, 1, null],
    ]);
    expect(of('audit_entry').map((r) => [r.data.ip_address, r.data.user_agent])).toEqual([[DISTINCTIVE.ip, DISTINCTIVE.userAgent]]);
    expect(of('audit_entry_about').map((r) => r.data.action)).toEqual(['member.kick']);
    for (const { id } of SUBJECT_WADDLES) {
      const messages = of('message').filter((r) => r.waddleId === id);
      expect(messages.map((m) => m.data.content)).toEqual([DISTINCTIVE.english, DISTINCTIVE.russian, DISTINCTIVE.japanese]);
      expect(messages[0]!.data.edits).toEqual([{ previousContent: DISTINCTIVE.edited, editedAt: expect.any(Number) }]);
      expect(messages[0]!.data.metadata).toEqual({ mood: 'glimmerwhorl' });
      expect(messages[2]!.data.attachments).toMatchObject([{ filename: DISTINCTIVE.attachment, mimeType: 'image/png', sizeBytes: 2048 }]);
      expect(
        of('reaction')
          .filter((r) => r.waddleId === id)
          .map((r) => r.data.emoji)
          .sort(),
      ).toEqual(['🐧', '🔥']);
      expect(of('read_state').filter((r) => r.waddleId === id)).toHaveLength(1);
      expect(of('role').filter((r) => r.waddleId === id)).toHaveLength(1);
      expect(
        of('voice_session')
          .filter((r) => r.waddleId === id)
          .map((r) => r.data.rtk_session_id),
      ).toEqual(['rtk-zephyr']);
      expect(
        of('channel_overwrite')
          .filter((r) => r.waddleId === id)
          .map((r) => r.data),
      ).toEqual([{ channel_id: 3, allow: 0, deny: 256 }]);
      expect(
        of('voice_participation')
          .filter((r) => r.waddleId === id)
          .map((r) => [r.data.session_id, r.data.left_at - r.data.joined_at]),
      ).toEqual([
        [60, 10],
        [61, 5],
        [61, 5],
      ]);
      expect(
        of('thread')
          .filter((r) => r.waddleId === id)
          .map((r) => [r.data.id, r.data.channel_name, r.data.title, r.data.message_count]),
      ).toEqual([
        [THREAD.solo, 'slow', DISTINCTIVE.soloThread, 1],
        [THREAD.shared, 'general', SHARED_THREAD_TITLE, 1],
      ]);
    }
    expect(of('ban').map((r) => [r.waddleId, r.data.reason])).toEqual([[4, DISTINCTIVE.banReason]]);
  });

  it('reads progress without side effects: GET /v1/me/export/{job} never advances a job, nor does GET /v1/me/export start one', async () => {
    // A job as POST /v1/me/export creates it, before any step.
    const { id } = await startExport(env.CENTRAL_DB, SUBJECT, 'user', Date.now());
    const before = await centralSnapshot();
    const first = await callAs(SUBJECT, 'GET', `/v1/me/export/${id}`);
    expect(first.status).toBe(202);
    const job = (await first.json()) as { id: number; status: string };
    expect(job).toMatchObject({ id, status: 'running' });
    for (let polls = 0; polls < 3; polls++) {
      const progress = await callAs(SUBJECT, 'GET', `/v1/me/export/${id}`);
      expect(progress.status).toBe(202);
      expect(await progress.json()).toEqual(job);
    }
    expect((await callAs(SUBJECT, 'GET', '/v1/me/export')).status).toBe(405);
    expect(await centralSnapshot()).toBe(before);
    // Starting again returns the running job (and takes a step of it).
    expect(((await (await callAs(SUBJECT, 'POST', '/v1/me/export')).json()) as { id: number }).id).toBe(job.id);
  });

  it('is carried to its end by the cron for a user who only polls', async () => {
    const job = await startExport(env.CENTRAL_DB, SUBJECT, 'user', Date.now());
    const controller = { cron: '*/10 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController;
    for (let passes = 0; (await readPrivacyJob(env.CENTRAL_DB, job.id))!.status === 'running' && passes < 20; passes++)
      await worker.scheduled(controller, env);
    expect((await readPrivacyJob(env.CENTRAL_DB, job.id))!.status).toBe('done');
    const answer = await callAs(SUBJECT, 'GET', `/v1/me/export/${job.id}`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { jobId: number }).jobId).toBe(job.id);
  });

  it('proceeds in small steps and many chunks, and gives the same archive as one large step', async () => {
    const small = await startExport(env.CENTRAL_DB, SUBJECT, 'operator', 1_000);
    let steps = 0;
    for (;;) {
      const step = await advanceJob(env.CENTRAL_DB, connectors, small.id, { now: 2_000 + steps, maxQueries: 12 });
      steps += 1;
      expect(step.queries).toBeLessThanOrEqual(12);
      if (step.job.status === 'done') break;
    }
    expect(steps).toBeGreaterThan(5);
    const pieces: string[] = [];
    for await (const piece of exportArchive(env.CENTRAL_DB, (await readPrivacyJob(env.CENTRAL_DB, small.id))!)) pieces.push(piece);
    const chunks = await env.CENTRAL_DB.prepare('SELECT count(*) AS n FROM export_chunks WHERE job_id = ?')
      .bind(small.id)
      .first<{ n: number }>();
    expect(chunks!.n).toBeGreaterThan(20);

    const large = await startExport(env.CENTRAL_DB, SUBJECT, 'operator', 3_000);
    expect(large.id).not.toBe(small.id);
    const done = await runJobToEnd(env.CENTRAL_DB, connectors, large.id, { maxQueriesPerStep: 900, clock: () => 4_000 });
    const again: string[] = [];
    for await (const piece of exportArchive(env.CENTRAL_DB, done)) again.push(piece);
    expect(JSON.parse(pieces.join('')).records).toEqual(JSON.parse(again.join('')).records);
  });

  it("refuses another user's export job and unknown jobs with the same 404, and a token of nobody with 401", async () => {
    const started = await callAs(SUBJECT, 'POST', '/v1/me/export');
    const { id } = (await started.json()) as { id: number };
    const before = await centralSnapshot();
    for (const [method, path] of [
      ['GET', ''],
      ['POST', '/advance'],
    ] as const) {
      const theirs = await callAs(USER.member, method, `/v1/me/export/${id}${path}`);
      const unknown = await callAs(USER.member, method, `/v1/me/export/999999${path}`);
      expect(theirs.status).toBe(404);
      expect(await theirs.json()).toEqual(await unknown.json());
    }
    expect(await centralSnapshot()).toBe(before);
    expect((await exports.default.fetch(`http://waddle/v1/me/export/${id}`)).status).toBe(401);
    expect((await callAs(SUBJECT, 'GET', '/v1/me/export/x1')).status).toBe(400);
  });
});

describe('erasure', () => {
  it("DELETE /v1/me leaves no distinctive string in any table of any database nor in the search index, keeps others' data and every counter", async () => {
    const before = await everyOccurrence();
    // The scan does find each string while it is there (every one, somewhere; each index term too).
    for (const value of Object.values(DISTINCTIVE))
      expect({ value, found: before.some((line) => line.endsWith(`: ${value}`)) }).toEqual({ value, found: true });
    for (const term of DISTINCTIVE_TERMS) expect(before.filter((line) => line.endsWith(`term: ${term}`))).toHaveLength(5);
    const others = await othersData();

    const answer = await callAs(SUBJECT, 'DELETE', '/v1/me');
    expect(answer.status).toBe(200);
    const job = (await answer.json()) as { status: string; databases: { waddleId: number | null; status: string; error: string | null }[] };
    expect(job.status).toBe('done');
    expect(job.databases.map((d) => [d.waddleId, d.status, d.error])).toEqual([
      [null, 'done', null],
      [1, 'done', null],
      [2, 'done', null],
      [3, 'done', null],
      [4, 'done', null],
      [5, 'done', null],
    ]);

    expect(await everyOccurrence()).toEqual([]);
    expect(await othersData()).toBe(others);
    expect(await counterDrift()).toEqual([]);

    const user = await env.CENTRAL_DB.prepare('SELECT username, email, display_name, avatar_url, bio, deleted_at FROM users WHERE id = ?')
      .bind(SUBJECT)
      .first();
    expect(user).toEqual({
      username: `erased-${SUBJECT}`,
      email: null,
      display_name: null,
      avatar_url: null,
      bio: null,
      deleted_at: expect.any(Number),
    });
    for (const { binding } of SUBJECT_WADDLES) {
      const d1 = waddleDatabase(binding);
      // Tombstones stay, so replies and cursors stay consistent.
      expect(
        await d1
          .prepare('SELECT count(*) AS n, sum(is_deleted) AS deleted, count(content) AS with_content FROM messages WHERE user_id = ?')
          .bind(SUBJECT)
          .first(),
      ).toEqual({ n: 3, deleted: 3, with_content: 0 });
      // The thread only they wrote in is retitled (waddle 1 has the plain new title already, so a suffix
      // keeps titles unique); the one the owner wrote in keeps its title.
      const threads = await d1
        .prepare('SELECT id, title FROM threads WHERE created_by = ? ORDER BY id')
        .bind(SUBJECT)
        .all<{ id: number; title: string }>();
      expect(threads.results).toEqual([
        {
          id: THREAD.solo,
          title:
            binding === 'WADDLE_PRIVATE'
              ? expect.stringMatching(new RegExp(`^erased topic ${THREAD.solo} [0-9a-f]{12}$`))
              : `erased topic ${THREAD.solo}`,
        },
        { id: THREAD.shared, title: SHARED_THREAD_TITLE },
      ]);
      const overwrites = await d1
        .prepare("SELECT count(*) AS n FROM channel_overwrites WHERE target_kind = 'member' AND target_id = ?")
        .bind(SUBJECT)
        .first<{ n: number }>();
      expect(overwrites!.n).toBe(0);
      for (const table of ['reactions', 'read_states', 'member_roles', 'slow_mode_clocks', 'bans', 'voice_session_participants']) {
        expect({
          table,
          rows: (await d1.prepare(`SELECT count(*) AS n FROM ${table} WHERE user_id = ?`).bind(SUBJECT).first<{ n: number }>())!.n,
        }).toEqual({ table, rows: 0 });
      }
    }
    const audit = await env.CENTRAL_DB.prepare(
      "SELECT action, metadata, ip_address, user_agent FROM audit_log WHERE action LIKE 'user.erase%' ORDER BY id",
    ).all();
    expect(audit.results).toEqual([
      {
        action: 'user.erase',
        metadata: expect.stringMatching(/^\{"jobId":\d+,"requestedBy":"user"\}$/),
        ip_address: null,
        user_agent: null,
      },
      { action: 'user.erase.done', metadata: expect.stringMatching(/^\{"jobId":\d+,"databases":5\}$/), ip_address: null, user_agent: null },
    ]);
  });

  it('hands each waddle the erased user owned to its longest-standing other member, and keeps a waddle with no other member', async () => {
    const central = env.CENTRAL_DB;
    await central.batch([
      central.prepare('UPDATE waddles SET owner_id = ? WHERE id IN (3, 5)').bind(SUBJECT),
      // Waddle 3: the owner joined at 1000, the member at 900 (and the moderator at 900, a lower id): the member takes over.
      central.prepare('INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (3, 3, 900), (3, 2, 900)'),
      // Waddle 5: nobody but the subject stays.
      central.prepare('DELETE FROM waddle_members WHERE waddle_id = 5 AND user_id <> ?').bind(SUBJECT),
    ]);
    expect((await callAs(SUBJECT, 'DELETE', '/v1/me')).status).toBe(200);
    const owners = await central.prepare('SELECT id, owner_id FROM waddles ORDER BY id').all();
    expect(owners.results).toEqual([
      { id: 1, owner_id: 1 },
      { id: 2, owner_id: 1 },
      { id: 3, owner_id: USER.member },
      { id: 4, owner_id: 1 },
      { id: 5, owner_id: SUBJECT },
    ]);
    const transfers = await central
      .prepare("SELECT user_id, resource_id, metadata, ip_address FROM audit_log WHERE action = 'waddle.owner.transfer'")
      .all();
    expect(transfers.results).toEqual([
      {
        user_id: null,
        resource_id: '3',
        metadata: JSON.stringify({ from: SUBJECT, to: USER.member, reason: 'owner_erased' }),
        ip_address: null,
      },
    ]);
    // The new owner holds every permission there.
    const waddle = (await (await callAs(USER.member, 'GET', '/v1/waddles/3')).json()) as { isOwner: boolean };
    expect(waddle.isOwner).toBe(true);
  });

  it("refuses the erased user's token from then on; erasing is only ever of oneself", async () => {
    expect((await callAs(SUBJECT, 'DELETE', '/v1/me')).status).toBe(200);
    for (const [method, path] of [
      ['GET', '/v1/me'],
      ['POST', '/v1/me/export'],
      ['DELETE', '/v1/me'],
      ['GET', '/v1/waddles'],
    ] as const) {
      expect({ method, path, status: (await callAs(SUBJECT, method, path)).status }).toEqual({ method, path, status: 401 });
    }
    // No route names another user to erase: the member's own request erased the member only.
    expect((await callAs(USER.member, 'DELETE', `/v1/users/${USER.owner}`)).status).toBe(404);
    expect((await callAs(USER.member, 'DELETE', '/v1/me')).status).toBe(200);
    expect(await env.CENTRAL_DB.prepare('SELECT id FROM users WHERE deleted_at IS NULL ORDER BY id').all()).toMatchObject({
      results: [{ id: 1 }, { id: 2 }, { id: 4 }, { id: 5 }, { id: 6 }],
    });
  });

  it('resumes after two of five waddle databases without error or double work, retrying the ones that failed', async () => {
    const job = await startErasure(env.CENTRAL_DB, SUBJECT, 'operator', 10_000);
    // Only waddles 1 and 2 can be reached at first: the step erases them and records the others' failure.
    const reachable: DatabaseConnector = (location) =>
      ['WADDLE_PRIVATE', 'WADDLE_PUBLIC'].includes(location.d1Binding ?? '') ? connectors[0]!(location) : undefined;
    const first = await advanceJob(env.CENTRAL_DB, [reachable], job.id, { now: 11_000 });
    expect(first.job.status).toBe('running');
    const interrupted = await erasureParts(job.id);
    expect(interrupted.map(({ part, status, attempts }) => [part, status, attempts])).toEqual([
      [0, 'done', 1],
      [1, 'done', 1],
      [2, 'done', 1],
      [3, 'pending', 1],
      [4, 'pending', 1],
      [5, 'pending', 1],
    ]);
    expect(interrupted.slice(3).map((p) => p.error)).toEqual(
      ['test-waddle-third', 'test-waddle-fourth', 'test-waddle-fifth'].map((id) => `no connector reaches database ${id}`),
    );
    const firstTwo = waddleDatabase('WADDLE_PRIVATE');
    expect(
      (await firstTwo.prepare('SELECT count(content) AS n FROM messages WHERE user_id = ?').bind(SUBJECT).first<{ n: number }>())!.n,
    ).toBe(0);
    expect(
      (await waddleDatabase('WADDLE_THIRD')
        .prepare('SELECT count(content) AS n FROM messages WHERE user_id = ?')
        .bind(SUBJECT)
        .first<{ n: number }>())!.n,
    ).toBe(3);

    // Asking again returns the same job (idempotent); running it to the end touches only the three left.
    expect((await startErasure(env.CENTRAL_DB, SUBJECT, 'operator', 12_000)).id).toBe(job.id);
    const steps: { part: number; rows: number; error?: string }[] = [];
    const done = await runJobToEnd(env.CENTRAL_DB, connectors, job.id, {
      clock: () => 13_000,
      onStep: (step) => steps.push(...step.worked),
    });
    expect(done.status).toBe('done');
    expect(steps.map((work) => work.part)).toEqual([3, 4, 5]);
    expect(steps.every((work) => work.error === undefined)).toBe(true);
    const resumed = await erasureParts(job.id);
    expect(resumed.slice(0, 3)).toEqual(interrupted.slice(0, 3));
    expect(resumed.slice(3).map(({ status, attempts, error }) => [status, attempts, error])).toEqual(Array(3).fill(['done', 2, null]));
    // Each database erased its rows once: 3 messages, 1 reaction on another's message, 1 read state, 1 role, 1 clock, the ban in waddle 4, 1 voice session, 1 thread title,
    // the user's rows in thread_follows (threads they started or posted in are followed automatically), their channel overwrite and 3 stints in voice sessions.
    expect(resumed.slice(1).map((p) => p.rowsDone)).toEqual([15, 15, 15, 16, 15]);
    expect(await everyOccurrence()).toEqual([]);
    expect(await counterDrift()).toEqual([]);

    // A finished erasure asked again does nothing more and finishes at once.
    const again = await startErasure(env.CENTRAL_DB, SUBJECT, 'operator', 14_000);
    expect(again.id).not.toBe(job.id);
    expect((await runJobToEnd(env.CENTRAL_DB, connectors, again.id, { clock: () => 15_000 })).parts.map((p) => p.part)).toEqual([0]);
  });

  it('finishes a part whose waddle was deleted meanwhile, noting why', async () => {
    const job = await startErasure(env.CENTRAL_DB, SUBJECT, 'operator', 10_000);
    await env.CENTRAL_DB.prepare('DELETE FROM waddles WHERE id = 5').run();
    const done = await runJobToEnd(env.CENTRAL_DB, connectors, job.id, { clock: () => 11_000 });
    expect(done.status).toBe('done');
    expect(done.parts.map((p) => [p.part, p.status, p.error])).toEqual([
      [0, 'done', null],
      [1, 'done', null],
      [2, 'done', null],
      [3, 'done', null],
      [4, 'done', null],
      [5, 'done', 'the waddle is no longer in the registry'],
    ]);
  });

  it('deletes the archives of earlier exports', async () => {
    const exported = await startExport(env.CENTRAL_DB, SUBJECT, 'user', 1_000);
    await runJobToEnd(env.CENTRAL_DB, connectors, exported.id, { clock: () => 2_000 });
    expect((await env.CENTRAL_DB.prepare('SELECT count(*) AS n FROM export_chunks').first<{ n: number }>())!.n).toBeGreaterThan(0);
    expect((await callAs(SUBJECT, 'DELETE', '/v1/me')).status).toBe(200);
    expect((await env.CENTRAL_DB.prepare('SELECT count(*) AS n FROM export_chunks').first<{ n: number }>())!.n).toBe(0);
  });
});
