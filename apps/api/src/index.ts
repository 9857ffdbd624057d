import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { waddleConnectors } from './context/waddle-connectors.ts';
import { handleRequest } from './http/handle-request.ts';
import { Router } from './http/router.ts';
import { allRoutes } from './routes/all-routes.ts';
import { resumeErasures } from './scheduled/resume-erasures.ts';

const router = new Router(allRoutes);

/**
 * The Waddle API Worker: every route of `routes/all-routes.ts` through one request pipeline, and
 * a cron (`triggers.crons` in wrangler.jsonc) that carries unfinished erasures to their end.
 */
export default {
  fetch: (request, env) => handleRequest(router, request, env),

  async scheduled(_controller, env) {
    const resumed = await resumeErasures(retryWhenBusy(env.CENTRAL_DB), waddleConnectors(env), Date.now());
    for (const job of resumed) console.log(`erasure ${job.jobId}: ${job.finished ? 'finished' : `continues (${job.failedDatabases} databases failing)`}`);
  },
} satisfies ExportedHandler<Env>;
