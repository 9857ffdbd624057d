import { systemClock } from '@waddle/clock/clock';
import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { waddleConnectors } from './context/waddle-connectors.ts';
import { handleRequest } from './http/handle-request.ts';
import { Router } from './http/router.ts';
import { exportArchiveDeletionCutoff, exportArchiveTtlHours } from './privacy/export-archive-expiry.ts';
import { allRoutes } from './routes/all-routes.ts';
import { deleteExpiredExportArchives } from './scheduled/delete-expired-export-archives.ts';
import { resumeErasures } from './scheduled/resume-erasures.ts';

const router = new Router(allRoutes);

/**
 * The Waddle API Worker: every route of `routes/all-routes.ts` through one request pipeline, and
 * a cron (`triggers.crons` in wrangler.jsonc) that carries unfinished erasures to their end and
 * deletes expired export archives. One pass stays under D1's 1,000 queries per invocation: at most
 * about 600 for the erasures (two steps of 300) and 121 for the archives.
 */
export default {
  fetch: (request, env) => handleRequest(router, request, env, systemClock),

  async scheduled(_controller, env) {
    const central = retryWhenBusy(env.CENTRAL_DB);
    const now = systemClock();
    try {
      const resumed = await resumeErasures(central, waddleConnectors(env), now);
      for (const job of resumed) console.log(`erasure ${job.jobId}: ${job.finished ? 'finished' : `continues (${job.failedDatabases} databases failing)`}`);
    } finally {
      // Archives expire even on a pass whose erasures failed.
      const expiry = await deleteExpiredExportArchives(central, now, exportArchiveDeletionCutoff(now, exportArchiveTtlHours(env)));
      if (expiry.deletedChunks > 0 || expiry.expiredJobIds.length > 0) {
        console.log(`export archives: ${expiry.deletedChunks} chunks deleted, ${expiry.expiredJobIds.length} expired${expiry.reachedLimit ? ', more on the next pass' : ''}`);
      }
    }
  },
} satisfies ExportedHandler<Env>;
