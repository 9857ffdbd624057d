import { env } from 'cloudflare:test';
import { startErasure } from '@waddle/privacy/start-erasure';
import { beforeEach, describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { resumePrivacyJobs } from '../src/scheduled/resume-privacy-jobs.ts';
import { freshPlatform, USER } from './fixture.ts';

async function runCron(): Promise<void> {
  const controller = { cron: '*/10 * * * *', scheduledTime: Date.now(), noRetry() {} } as ScheduledController;
  await worker.scheduled(controller, env);
}

async function jobStatus(id: number): Promise<string | undefined> {
  return (await env.CENTRAL_DB.prepare('SELECT status FROM privacy_jobs WHERE id = ?').bind(id).first<{ status: string }>())?.status;
}

beforeEach(freshPlatform);

describe('the erasure resumer (cron)', () => {
  it("carries an unfinished erasure to its end: the member's messages are tombstoned, the job done", async () => {
    const job = await startErasure(env.CENTRAL_DB, USER.member, 'user', Date.now());
    expect(await jobStatus(job.id)).toBe('running');
    await runCron();
    expect(await jobStatus(job.id)).toBe('done');
    const left = await env.WADDLE_PRIVATE.prepare('SELECT count(content) AS n FROM messages WHERE user_id = ?')
      .bind(USER.member)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    const other = await env.WADDLE_PRIVATE.prepare('SELECT count(content) AS n FROM messages WHERE user_id = ?')
      .bind(USER.moderator)
      .first<{ n: number }>();
    expect(other?.n).toBe(1);
  });

  it('advances at most the configured number of jobs per pass, oldest first, and nothing once all are done', async () => {
    const first = await startErasure(env.CENTRAL_DB, USER.member, 'user', Date.now());
    const second = await startErasure(env.CENTRAL_DB, USER.moderator, 'user', Date.now());
    const pass = await resumePrivacyJobs(env.CENTRAL_DB, [], 'erasure', Date.now(), { maxJobs: 1, attachments: env.ATTACHMENTS });
    expect(pass.map((job) => job.jobId)).toEqual([first.id]);
    // No connector reaches the waddle databases in this pass (the bucket is given, as the cron gives it, for the
    // member's unattached upload): the job stays running, its failing database counted.
    expect(pass[0]).toMatchObject({ finished: false, failedDatabases: 1 });
    await runCron();
    await runCron();
    expect([await jobStatus(first.id), await jobStatus(second.id)]).toEqual(['done', 'done']);
    expect(await resumePrivacyJobs(env.CENTRAL_DB, [], 'erasure', Date.now())).toEqual([]);
  });
});
