import { advanceJob, DEFAULT_STEP_QUERIES } from '@waddle/privacy/advance-job';
import { exportArchive } from '@waddle/privacy/export-archive';
import { CENTRAL_PART, type PrivacyJob, readPrivacyJob } from '@waddle/privacy/privacy-job';
import { startErasure } from '@waddle/privacy/start-erasure';
import { startExport } from '@waddle/privacy/start-export';
import { z } from 'zod';
import { waddleConnectors } from '../context/waddle-connectors.ts';
import type { RequestContext } from '../context/request-context.ts';
import { gone, notFound } from '../http/api-error.ts';
import { route } from '../http/route.ts';
import {
  exportArchiveCutoff,
  exportArchiveExpiresAt,
  exportArchiveTtlHours,
  isExportArchiveExpired,
} from '../privacy/export-archive-expiry.ts';

/** Queries an erasure request may spend on its first step, besides authentication and starting the job. */
const ERASURE_REQUEST_QUERIES = 2 * DEFAULT_STEP_QUERIES;

/** A job as the API shows it: its state and the progress in each database. */
export const privacyJobBody = z.object({
  id: z.int(),
  kind: z.enum(['export', 'erasure']),
  status: z.enum(['running', 'done']),
  createdAt: z.int(),
  finishedAt: z.int().nullable(),
  /** A finished export's archive can be fetched until then (ms since the epoch); `null` otherwise. */
  archiveExpiresAt: z.int().nullable(),
  databases: z.array(
    z.object({
      waddleId: z.int().nullable(),
      status: z.enum(['pending', 'done']),
      section: z.string(),
      rowsDone: z.int(),
      attempts: z.int(),
      error: z.string().nullable(),
    }),
  ),
});

function jobJson(job: PrivacyJob, context: RequestContext): z.infer<typeof privacyJobBody> {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    archiveExpiresAt:
      job.kind === 'export' && job.finishedAt !== null ? exportArchiveExpiresAt(job.finishedAt, exportArchiveTtlHours(context.env)) : null,
    databases: job.parts.map((part) => ({
      waddleId: part.part === CENTRAL_PART ? null : part.part,
      status: part.status,
      section: part.section,
      rowsDone: part.rowsDone,
      attempts: part.attempts,
      error: part.error,
    })),
  };
}

function jobResponse(job: PrivacyJob, context: RequestContext, status: 200 | 202): Response {
  return Response.json(jobJson(job, context), { status });
}

async function step(context: RequestContext, job: PrivacyJob, maxQueries: number): Promise<PrivacyJob> {
  return (await advanceJob(context.central, waddleConnectors(context.env), job.id, { now: context.now, maxQueries })).job;
}

/** The caller's export job, or the same 404 for an unknown job, another user's, or an erasure. */
async function readOwnExport(context: RequestContext, jobId: number): Promise<PrivacyJob> {
  const job = await readPrivacyJob(context.central, jobId);
  if (!job || job.userId !== context.caller.id || job.kind !== 'export') throw notFound('export');
  return job;
}

/**
 * `POST /v1/me/export`: starts an export of everything held about the caller (or returns the one
 * running) and takes a step of it; 202 with the job. `POST /v1/me/export/{job}/advance` takes the
 * next steps (the API's cron also takes one every pass), `GET /v1/me/export/{job}` reads the
 * progress and serves the archive once done.
 */
export const startExportRoute = route({
  method: 'POST',
  path: '/v1/me/export',
  tag: 'me',
  summary: 'Start an export of all my data (a job)',
  status: 202,
  response: privacyJobBody,
  async handle(_, context) {
    const job = await startExport(context.central, context.caller.id, 'user', context.now);
    return jobJson(await step(context, job, DEFAULT_STEP_QUERIES), context);
  },
});

/**
 * `GET /v1/me/export/{job}`: an export of the caller's, read without side effects (a cache, a
 * prefetch or a retry repeats nothing). While it runs: 202 with its progress per database. Once
 * done: 200 with the archive (JSON, streamed from its chunks in order) until it expires,
 * `EXPORT_ARCHIVE_TTL_HOURS` after the export finished: from then on 410 `export_expired` (the
 * cron deletes its chunks). Another user's job, or an erasure, is 404.
 *
 * ```sql
 * SELECT * FROM privacy_jobs WHERE id = ?;   -- must be the caller's export
 * SELECT seq, body FROM export_chunks WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT 25;   -- exportArchive, until the last chunk
 * ```
 */
export const exportJobRoute = route({
  method: 'GET',
  path: '/v1/me/export/{job}',
  tag: 'me',
  summary: 'Progress of my export, or its archive once done',
  response: z.object({
    format: z.literal('waddle-export/1'),
    userId: z.int(),
    jobId: z.int(),
    records: z.array(z.object({ type: z.string() })),
  }),
  otherSuccesses: {
    202: {
      description:
        "The export is still running (advanced by POST /v1/me/export/{job}/advance and by the API's cron): the job with its progress per database",
      response: privacyJobBody,
    },
  },
  errors: {
    410: "The export's archive expired (`export_expired`): it is kept EXPORT_ARCHIVE_TTL_HOURS (default 168) after the export finished; start a new export",
  },
  async handle({ params }, context) {
    const job = await readOwnExport(context, params.job);
    // The archive is streamed by a request of its own, so its reads have the whole query budget.
    if (job.status === 'running') return jobResponse(job, context, 202);
    const ttlHours = exportArchiveTtlHours(context.env);
    if (isExportArchiveExpired(job, exportArchiveCutoff(context.now, ttlHours))) {
      throw gone(
        'export_expired',
        `the archive of export ${job.id} is no longer kept (archives expire ${ttlHours} hours after the export finished): start a new export with POST /v1/me/export`,
      );
    }
    const pieces = exportArchive(context.central, job);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await pieces.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="waddle-export-${job.id}.json"`,
      },
    });
  },
});

/**
 * `POST /v1/me/export/{job}/advance`: takes one bounded step of the caller's export (at most
 * `DEFAULT_STEP_QUERIES` queries, see `advanceJob`): 202 with the job while it still runs, 200
 * once it is done (a finished job is answered as it is). Repeating it is harmless: a step never
 * writes a page twice. Another user's job, or an erasure, is 404.
 */
export const advanceExportRoute = route({
  method: 'POST',
  path: '/v1/me/export/{job}/advance',
  tag: 'me',
  summary: 'Take a step of my export',
  status: 202,
  response: privacyJobBody,
  otherSuccesses: {
    200: { description: 'The export is done: the finished job (its archive is at GET /v1/me/export/{job})', response: privacyJobBody },
  },
  async handle({ params }, context) {
    const job = await step(context, await readOwnExport(context, params.job), DEFAULT_STEP_QUERIES);
    return jobResponse(job, context, job.status === 'done' ? 200 : 202);
  },
});

/**
 * `DELETE /v1/me`: erases the caller. At once (one central batch, see `startErasure`): the
 * profile is anonymized and the account closed (its tokens are refused from then on), settings,
 * memberships and a global ban removed, the request audited without personal data. Then the
 * waddle databases they ever joined are erased in steps: as many as fit in this request; 200
 * with the job when all are done, else 202 (an operator's `waddle erase <user-id>` finishes it).
 */
export const eraseMeRoute = route({
  method: 'DELETE',
  path: '/v1/me',
  tag: 'me',
  summary: 'Erase my account and all my data',
  status: 202,
  response: privacyJobBody,
  otherSuccesses: { 200: { description: 'Every database is erased: the finished job', response: privacyJobBody } },
  async handle(_, context) {
    const job = await step(context, await startErasure(context.central, context.caller.id, 'user', context.now), ERASURE_REQUEST_QUERIES);
    return jobResponse(job, context, job.status === 'done' ? 200 : 202);
  },
});
