import { env } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import type { D1DatabaseLike, D1StatementLike } from '@waddle/d1/database';
import { advanceJob } from '@waddle/privacy/advance-job';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startExport } from '@waddle/privacy/start-export';
import { bindingConnector, type DatabaseConnector } from '@waddle/registry/database-connectors';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { exportArchiveCutoff, exportArchiveTtlHours, isExportArchiveExpired } from '../src/privacy/export-archive-expiry.ts';
import { deleteExpiredExportArchives } from '../src/scheduled/delete-expired-export-archives.ts';
import { freshPlatform, tokenFor, USER } from './fixture.ts';

const HOUR = 3_600_000;
const connectors: DatabaseConnector[] = [bindingConnector(env as unknown as Record<string, unknown>)];

/** Runs an export of `userId` to its end, started and finished at `at`; its id. */
async function finishedExport(userId: number, at: number): Promise<number> {
  const job = await startExport(env.CENTRAL_DB, userId, 'user', at);
  const done = await runJobToEnd(env.CENTRAL_DB, connectors, job.id, { clock: () => at });
  expect(done).toMatchObject({ status: 'done', finishedAt: at });
  return job.id;
}

/** Appends `count` more chunks (small records) to an archive, so it is larger than one pass deletes. */
async function appendChunks(jobId: number, count: number): Promise<void> {
  const last = (await env.CENTRAL_DB.prepare('SELECT max(seq) AS seq FROM export_chunks WHERE job_id = ?')
    .bind(jobId)
    .first<{ seq: number }>())!.seq;
  await env.CENTRAL_DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO export_chunks (job_id, seq, body) SELECT ?, ? + i, json_object('type', 'note', 'data', json_object('n', i)) FROM n`,
  )
    .bind(count, jobId, last)
    .run();
}

/** The chunks of a job still there: how many, and the first one's number. */
async function chunksOf(jobId: number): Promise<{ n: number; first: number | null }> {
  return (await env.CENTRAL_DB.prepare('SELECT count(*) AS n, min(seq) AS first FROM export_chunks WHERE job_id = ?')
    .bind(jobId)
    .first<{ n: number; first: number | null }>())!;
}

/** Every chunk of the given jobs, as they are stored. */
async function storedChunks(jobIds: readonly number[]): Promise<string> {
  const { results } = await env.CENTRAL_DB.prepare(
    `SELECT job_id, seq, body FROM export_chunks WHERE job_id IN (${jobIds.map(() => '?').join(', ')}) ORDER BY job_id, seq`,
  )
    .bind(...jobIds)
    .all();
  return JSON.stringify(results);
}

async function archiveDeletedAt(jobId: number): Promise<number | null> {
  return (await env.CENTRAL_DB.prepare('SELECT archive_deleted_at FROM privacy_jobs WHERE id = ?')
    .bind(jobId)
    .first<{ archive_deleted_at: number | null }>())!.archive_deleted_at;
}

async function getExport(userId: number, jobId: number): Promise<{ status: number; text: string }> {
  const response = await exports.default.fetch(`http://waddle/v1/me/export/${jobId}`, {
    headers: { authorization: `Bearer ${await tokenFor(userId)}` },
  });
  return { status: response.status, text: await response.text() };
}

async function runCron(): Promise<void> {
  const controller = { cron: '*/10 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController;
  await worker.scheduled(controller, env);
}

/** Counts the queries sent through a database as D1 counts them: one per `run`/`all`/`first`/`raw`, one per statement of a batch. */
function countingQueries(database: D1DatabaseLike): { database: D1DatabaseLike; queries: () => number } {
  let queries = 0;
  const inner = new WeakMap<D1StatementLike, D1StatementLike>();
  const wrap = (statement: D1StatementLike): D1StatementLike => {
    const counted: D1StatementLike = {
      bind: (...values) => wrap(statement.bind(...values)),
      all: () => ((queries += 1), statement.all()),
      run: () => ((queries += 1), statement.run()),
      first: () => ((queries += 1), statement.first()),
      raw: () => ((queries += 1), statement.raw()),
    };
    inner.set(counted, statement);
    return counted;
  };
  return {
    database: {
      prepare: (query) => wrap(database.prepare(query)),
      batch: (statements) => ((queries += statements.length), database.batch(statements.map((statement) => inner.get(statement)!))),
    },
    queries: () => queries,
  };
}

beforeEach(freshPlatform);

describe('export archive expiry', () => {
  it('deletes an expired archive over several bounded cron passes, oldest chunks first, leaving unexpired archives as they were; GET answers 410', async () => {
    const now = Date.now();
    const expired = await finishedExport(USER.member, now - 200 * HOUR);
    await appendChunks(expired, 2_050);
    const total = (await chunksOf(expired)).n;
    expect(total).toBeGreaterThan(2_050);
    // The same user's newer export and another user's, both inside the 168 hours.
    const kept = await finishedExport(USER.member, now - 2 * HOUR);
    const others = await finishedExport(USER.moderator, now - 167 * HOUR);
    const keptBefore = await storedChunks([kept, others]);
    const archiveBefore = await getExport(USER.member, kept);
    expect(archiveBefore.status).toBe(200);
    const archive = JSON.parse(archiveBefore.text) as { jobId: number; records: { type: string; data: Record<string, unknown> }[] };
    expect(archive.jobId).toBe(kept);
    expect(archive.records.find((record) => record.type === 'profile')!.data.email).toBe('mia@example.com');

    // Expired by time already, before any chunk is deleted.
    const refused = await getExport(USER.member, expired);
    expect(refused.status).toBe(410);
    expect(JSON.parse(refused.text)).toEqual({ error: { code: 'export_expired', message: expect.stringContaining('168 hours') } });
    expect((await chunksOf(expired)).n).toBe(total);

    // One pass deletes 40 × 25 chunks, from the archive's first chunk on.
    await runCron();
    expect(await chunksOf(expired)).toEqual({ n: total - 1_000, first: 1_001 });
    expect(await archiveDeletedAt(expired)).toBeNull();
    expect(await storedChunks([kept, others])).toBe(keptBefore);

    let passes = 1;
    while ((await archiveDeletedAt(expired)) === null && passes < 10) {
      await runCron();
      passes += 1;
    }
    expect(passes).toBe(Math.ceil(total / 1_000));
    expect(await chunksOf(expired)).toEqual({ n: 0, first: null });
    expect(await archiveDeletedAt(expired)).toBeGreaterThanOrEqual(now);
    expect(await storedChunks([kept, others])).toBe(keptBefore);

    // Audited once, with no actor, address or user agent: the job id only.
    const audit = await env.CENTRAL_DB.prepare(
      "SELECT user_id, action, resource_type, resource_id, metadata, ip_address, user_agent FROM audit_log WHERE action LIKE 'export.%'",
    ).all();
    expect(audit.results).toEqual([
      {
        user_id: null,
        action: 'export.archive_expired',
        resource_type: 'privacy_job',
        resource_id: String(expired),
        metadata: JSON.stringify({ jobId: expired }),
        ip_address: null,
        user_agent: null,
      },
    ]);

    // A further pass finds nothing to do; the expired export stays refused, the kept one streams as before.
    await runCron();
    expect(
      (await env.CENTRAL_DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'export.%'").first<{ n: number }>())!.n,
    ).toBe(1);
    expect((await getExport(USER.member, expired)).status).toBe(410);
    expect(await getExport(USER.member, kept)).toEqual(archiveBefore);
    expect((await getExport(USER.moderator, others)).status).toBe(200);
  });

  it('takes the export that finished first, whatever its id, and sends at most 1 + 3 queries per delete', async () => {
    const now = Date.now();
    const newer = await finishedExport(USER.moderator, now - 200 * HOUR);
    const older = await finishedExport(USER.member, now - 300 * HOUR);
    await appendChunks(newer, 40);
    await appendChunks(older, 40);
    const newerBefore = await storedChunks([newer]);
    const olderTotal = (await chunksOf(older)).n;

    const counted = countingQueries(env.CENTRAL_DB);
    const pass = await deleteExpiredExportArchives(counted.database, now, exportArchiveCutoff(now, 168), {
      maxDeletes: 3,
      chunksPerDelete: 10,
    });
    expect(pass).toEqual({ deletedChunks: 30, expiredJobIds: [], reachedLimit: true });
    expect(counted.queries()).toBe(1 + 3 * 3);
    expect(await chunksOf(older)).toEqual({ n: olderTotal - 30, first: 31 });
    expect(await storedChunks([newer])).toBe(newerBefore);

    // With room to spare, the older archive is finished first, then the newer one.
    const rest = await deleteExpiredExportArchives(env.CENTRAL_DB, now, exportArchiveCutoff(now, 168), {
      maxDeletes: 40,
      chunksPerDelete: 10,
    });
    expect(rest).toMatchObject({ expiredJobIds: [older, newer], reachedLimit: false });
    expect(await storedChunks([older, newer])).toBe('[]');
  });

  it('refuses an archive from its expiry on, but deletes it only an hour later, so a download begun before the deadline is not cut short', async () => {
    const now = Date.now();
    const justExpired = await finishedExport(USER.member, now - 168.5 * HOUR);
    const longExpired = await finishedExport(USER.moderator, now - 169.5 * HOUR);
    const before = await storedChunks([justExpired]);
    expect((await getExport(USER.member, justExpired)).status).toBe(410);
    await runCron();
    expect(await storedChunks([justExpired])).toBe(before);
    expect(await archiveDeletedAt(justExpired)).toBeNull();
    expect(await storedChunks([longExpired])).toBe('[]');
  });

  it('leaves an export that is still running alone, however long ago it started', async () => {
    const now = Date.now();
    const running = await startExport(env.CENTRAL_DB, USER.member, 'user', now - 500 * HOUR);
    await advanceJob(env.CENTRAL_DB, connectors, running.id, { now: now - 500 * HOUR, maxQueries: 12 });
    const before = JSON.parse(await storedChunks([running.id])) as unknown[];
    expect(before).not.toEqual([]);
    // The cron takes a step of the running export (chunks may be appended) and deletes none.
    await runCron();
    expect((JSON.parse(await storedChunks([running.id])) as unknown[]).slice(0, before.length)).toEqual(before);

    await runJobToEnd(env.CENTRAL_DB, connectors, running.id, { clock: () => now });
    const answer = await getExport(USER.member, running.id);
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.text) as { records: { type: string }[] }).records.map((record) => record.type)).toContain('message');
  });

  it("answers 410 for an archive deleted under a shorter TTL, although today's has not passed", async () => {
    const now = Date.now();
    const job = await finishedExport(USER.member, now - 2 * HOUR);
    const pass = await deleteExpiredExportArchives(env.CENTRAL_DB, now, exportArchiveCutoff(now, 1));
    expect(pass.expiredJobIds).toEqual([job]);
    const answer = await getExport(USER.member, job);
    expect(answer.status).toBe(410);
    expect(JSON.parse(answer.text).error.code).toBe('export_expired');
  });

  it('reads EXPORT_ARCHIVE_TTL_HOURS (168 in wrangler.jsonc, the default when unset) and refuses values out of range', () => {
    expect(exportArchiveTtlHours(env)).toBe(168);
    expect(exportArchiveTtlHours({})).toBe(168);
    expect(exportArchiveTtlHours({ EXPORT_ARCHIVE_TTL_HOURS: '24' })).toBe(24);
    for (const value of ['0', 'soon', '8761', '-5'])
      expect(() => exportArchiveTtlHours({ EXPORT_ARCHIVE_TTL_HOURS: value })).toThrow(/^EXPORT_ARCHIVE_TTL_HOURS: /);
    const cutoff = exportArchiveCutoff(1_000 * HOUR, 168);
    expect(cutoff).toBe(832 * HOUR);
    expect(isExportArchiveExpired({ status: 'done', finishedAt: cutoff, archiveDeletedAt: null }, cutoff)).toBe(true);
    expect(isExportArchiveExpired({ status: 'done', finishedAt: cutoff + 1, archiveDeletedAt: null }, cutoff)).toBe(false);
    expect(isExportArchiveExpired({ status: 'running', finishedAt: null, archiveDeletedAt: null }, cutoff)).toBe(false);
  });
});
