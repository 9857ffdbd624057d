import { createRoute, z } from '@hono/zod-openapi';
import { advanceJob, DEFAULT_STEP_QUERIES } from '@waddle/privacy/advance-job';
import { exportArchive } from '@waddle/privacy/export-archive';
import { CENTRAL_PART, type PrivacyJob, readPrivacyJob } from '@waddle/privacy/privacy-job';
import { startErasure } from '@waddle/privacy/start-erasure';
import { startExport } from '@waddle/privacy/start-export';
import type { TypedResponse } from 'hono';
import { waddleConnectors } from '../context/waddle-connectors.ts';
import type { RequestContext } from '../context/request-context.ts';
import { gone, notFound } from '../http/api-error.ts';
import { AUTHENTICATED_ERRORS, errorAnswers, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, NO_QUERY } from '../http/route-middleware.ts';
import { pathId } from '../http/schemas.ts';
import {
  exportArchiveCutoff,
  exportArchiveExpiresAt,
  exportArchiveTtlHours,
  isExportArchiveExpired,
} from '../privacy/export-archive-expiry.ts';

/** Queries an erasure request may spend on its first step, besides authentication and starting the job. */
const ERASURE_REQUEST_QUERIES = 2 * DEFAULT_STEP_QUERIES;

/** A job as the API shows it: its state and the progress in each database. */
const privacyJobBody = z.strictObject({
  id: z.int(),
  kind: z.enum(['export', 'erasure']),
  status: z.enum(['running', 'done']),
  createdAt: z.int(),
  finishedAt: z.int().nullable(),
  /** A finished export's archive can be fetched until then (ms since the epoch); `null` otherwise. */
  archiveExpiresAt: z.int().nullable(),
  databases: z.array(
    z.strictObject({
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

async function step(context: RequestContext, job: PrivacyJob, maxQueries: number): Promise<PrivacyJob> {
  return (
    await advanceJob(context.central, waddleConnectors(context.env), job.id, {
      now: context.now,
      maxQueries,
      attachments: context.env.ATTACHMENTS,
    })
  ).job;
}

/** The caller's export job, or the same 404 for an unknown job, another user's, or an erasure. */
async function readOwnExport(context: RequestContext, jobId: number): Promise<PrivacyJob> {
  const job = await readPrivacyJob(context.central, jobId);
  if (!job || job.userId !== context.caller.id || job.kind !== 'export') throw notFound('export');
  return job;
}

/** The format of an export archive, documented as JSON Schema's `const` (a literal would be a one-value `enum`). */
const archiveFormat = z
  .string()
  .refine((format) => format === 'waddle-export/1', 'must be waddle-export/1')
  .meta({ const: 'waddle-export/1' });

/** A finished export's archive (`exportArchive`): the caller's records, one object each, `type` first. */
const exportArchiveBody = z.strictObject({
  format: archiveFormat,
  userId: z.int(),
  jobId: z.int(),
  createdAt: z.int(),
  finishedAt: z.int(),
  records: z.array(
    z.looseObject({ type: z.string() }).openapi({
      description:
        '`profile`, `settings`, `global_ban`, `membership`, `audit_entry`, `audit_entry_about`, then per waddle (`waddleId`) `message`, `reaction`, `read_state`, `role`, `ban`, `voice_session`',
    }),
  ),
});

const STILL_RUNNING =
  "The export is still running (advanced by POST /v1/me/export/{job}/advance and by the API's cron): the job with its progress per database";

/**
 * `POST /v1/me/export`: starts an export of everything held about the caller (or returns the one
 * running) and takes a step of it; 202 with the job. `POST /v1/me/export/{job}/advance` takes the
 * next steps (the API's cron also takes one every pass), `GET /v1/me/export/{job}` reads the
 * progress and serves the archive once done.
 */
export const startExportRoute = createRoute({
  operationId: 'startExport',
  method: 'post',
  path: '/v1/me/export',
  tags: ['me'],
  summary: 'Start an export of all my data (a job)',
  middleware: AUTHENTICATED,
  request: { query: NO_QUERY },
  responses: { 202: jsonAnswer(privacyJobBody, 'The export job, after its first step'), ...errorAnswers(AUTHENTICATED_ERRORS) },
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
export const exportJobRoute = createRoute({
  operationId: 'getExport',
  method: 'get',
  path: '/v1/me/export/{job}',
  tags: ['me'],
  summary: 'Progress of my export, or its archive once done',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ job: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(exportArchiveBody, 'The archive of the finished export (streamed, `Content-Disposition: attachment`)'),
    202: jsonAnswer(privacyJobBody, STILL_RUNNING),
    ...errorAnswers([...AUTHENTICATED_ERRORS, 404, 410], {
      404: "No export of the caller has this id (another user's job, or an erasure, answers the same)",
      410: "The export's archive expired (`export_expired`): it is kept EXPORT_ARCHIVE_TTL_HOURS (default 168) after the export finished; start a new export",
    }),
  },
});

/**
 * `POST /v1/me/export/{job}/advance`: takes one bounded step of the caller's export (at most
 * `DEFAULT_STEP_QUERIES` queries, see `advanceJob`): 202 with the job while it still runs, 200
 * once it is done (a finished job is answered as it is). Repeating it is harmless: a step never
 * writes a page twice. Another user's job, or an erasure, is 404.
 */
export const advanceExportRoute = createRoute({
  operationId: 'advanceExport',
  method: 'post',
  path: '/v1/me/export/{job}/advance',
  tags: ['me'],
  summary: 'Take a step of my export',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ job: pathId }), query: NO_QUERY },
  responses: {
    200: jsonAnswer(privacyJobBody, 'The export is done: the finished job (its archive is at GET /v1/me/export/{job})'),
    202: jsonAnswer(privacyJobBody, 'The export still runs: the job after this step'),
    ...errorAnswers([...AUTHENTICATED_ERRORS, 404]),
  },
});

/**
 * `DELETE /v1/me`: erases the caller. At once (one central batch, see `startErasure`): the
 * profile is anonymized and the account closed (its tokens are refused from then on), settings,
 * memberships and a global ban removed, the request audited without personal data. Then the
 * waddle databases they ever joined are erased in steps: as many as fit in this request; 200
 * with the job when all are done, else 202 (an operator's `waddle erase <user-id>` finishes it).
 */
export const eraseMeRoute = createRoute({
  operationId: 'eraseMe',
  method: 'delete',
  path: '/v1/me',
  tags: ['me'],
  summary: 'Erase my account and all my data',
  middleware: AUTHENTICATED,
  request: { query: NO_QUERY },
  responses: {
    200: jsonAnswer(privacyJobBody, 'Every database is erased: the finished job'),
    202: jsonAnswer(privacyJobBody, 'The account is closed and anonymized; waddle databases are still being erased: the job'),
    ...errorAnswers(AUTHENTICATED_ERRORS),
  },
});

/** The caller's personal data: exports and erasure. */
export const privacy = routeGroup()
  .openapi(startExportRoute, async (c) => {
    const context = await c.var.requestContext();
    const job = await startExport(context.central, context.caller.id, 'user', context.now);
    return c.json(jobJson(await step(context, job, DEFAULT_STEP_QUERIES), context), 202);
  })
  .openapi(exportJobRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext();
    const job = await readOwnExport(context, params.job);
    // The archive is streamed by a request of its own, so its reads have the whole query budget.
    if (job.status === 'running') return c.json(jobJson(job, context), 202);
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
    const archive = c.body(body, 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="waddle-export-${job.id}.json"`,
    });
    // Streamed from its chunks, the archive is never one value c.json could type; the contract test holds it to exportArchiveBody.
    return archive as typeof archive & TypedResponse<z.infer<typeof exportArchiveBody>, 200, 'json'>;
  })
  .openapi(advanceExportRoute, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext();
    const job = await step(context, await readOwnExport(context, params.job), DEFAULT_STEP_QUERIES);
    return job.status === 'done' ? c.json(jobJson(job, context), 200) : c.json(jobJson(job, context), 202);
  })
  .openapi(eraseMeRoute, async (c) => {
    const context = await c.var.requestContext();
    const job = await step(context, await startErasure(context.central, context.caller.id, 'user', context.now), ERASURE_REQUEST_QUERIES);
    return job.status === 'done' ? c.json(jobJson(job, context), 200) : c.json(jobJson(job, context), 202);
  });
