import { systemClock } from '@waddle/clock/clock';
import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { createApiApp } from './api-app.ts';
import { waddleConnectors } from './context/waddle-connectors.ts';
import { exportArchiveDeletionCutoff, exportArchiveTtlHours } from './privacy/export-archive-expiry.ts';
import { attachmentLimits } from './attachments/attachment-limits.ts';
import { checkShardedDrift, SHARD_DRIFT_CRON } from './scheduled/check-sharded-drift.ts';
import { deleteExpiredExportArchives } from './scheduled/delete-expired-export-archives.ts';
import { deleteStaleUploads } from './scheduled/delete-stale-uploads.ts';
import { resumePrivacyJobs } from './scheduled/resume-privacy-jobs.ts';

const app = createApiApp(systemClock);

/** Exports advanced per cron pass: one step, so a pass stays under D1's 1,000 queries per invocation. */
const EXPORTS_PER_PASS = { maxJobs: 1, stepQueries: 250 } as const;

/**
 * The Waddle API Worker: its HTTP app (`createApiApp`: every route of `routes/all-routes.ts` on Hono), and
 * a cron (`triggers.crons` in wrangler.jsonc) that carries unfinished erasures and exports to
 * their end, deletes expired export archives and removes uploads never attached after their grace
 * period. One pass stays under D1's 1,000 queries per invocation: at most 601 for the erasures (two
 * steps of 300 and the query finding them), 251 for the oldest running export (one step of 250),
 * 121 for the archives and 21 for the uploads (10 of them): 994. The cron `SHARD_DRIFT_CRON` runs
 * only the drift pass over sharded waddles (`checkShardedDrift`, at most 400 queries).
 */
export default {
  fetch: app.fetch,

  async scheduled(controller, env) {
    const central = retryWhenBusy(env.CENTRAL_DB);
    const now = systemClock();
    const connectors = waddleConnectors(env);
    if (controller.cron === SHARD_DRIFT_CRON) {
      const pass = await checkShardedDrift(central, connectors, now);
      console.log(
        `shard drift: ${pass.repaired} repaired, ${pass.completed.length} waddles checked through, ${pass.failed.length} failed, ${pass.queries} queries; next: waddle ${pass.cursor.waddleId} after ${pass.cursor.next.kind} ${pass.cursor.next.id}`,
      );
      return;
    }
    try {
      const resumed = await resumePrivacyJobs(central, connectors, 'erasure', now, { attachments: env.ATTACHMENTS });
      for (const job of resumed)
        console.log(`erasure ${job.jobId}: ${job.finished ? 'finished' : `continues (${job.failedDatabases} databases failing)`}`);
      // GET /v1/me/export/{job} never advances a job: exports of users who only poll go on here.
      const exported = await resumePrivacyJobs(central, connectors, 'export', now, EXPORTS_PER_PASS);
      for (const job of exported)
        console.log(`export ${job.jobId}: ${job.finished ? 'finished' : `continues (${job.failedDatabases} databases failing)`}`);
    } finally {
      // Archives expire even on a pass whose erasures failed.
      const expiry = await deleteExpiredExportArchives(central, now, exportArchiveDeletionCutoff(now, exportArchiveTtlHours(env)));
      if (expiry.deletedChunks > 0 || expiry.expiredJobIds.length > 0) {
        console.log(
          `export archives: ${expiry.deletedChunks} chunks deleted, ${expiry.expiredJobIds.length} expired${expiry.reachedLimit ? ', more on the next pass' : ''}`,
        );
      }
      const uploads = await deleteStaleUploads(central, connectors, env.ATTACHMENTS, now - attachmentLimits(env).uploadGraceMs, 10);
      if (uploads.removed.length + uploads.attached.length + uploads.failed.length > 0)
        console.log(
          `uploads: ${uploads.removed.length} never attached removed, ${uploads.attached.length} attached kept, ${uploads.failed.length} left`,
        );
    }
  },
} satisfies ExportedHandler<Env>;
