import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { healthResponse } from '@waddle/worker-health/health-response';
import { logUnexpectedError, requestIdOf } from '@waddle/worker-log/unexpected-error';
import { monitorConfig } from './config/monitor-config.ts';
import { routeDashboard } from './dashboard/dashboard-routes.ts';
import { runOptimizeTick } from './maintenance/optimize-tick.ts';
import { monitorDependencies } from './monitor-dependencies.ts';
import { runSamplingTick } from './sampling/sampling-tick.ts';
import { countAttachmentUsage } from './attachments/count-attachment-usage.ts';

/**
 * The size monitor Worker: `GET /health`, the operators' dashboard and its JSON API
 * (`dashboard/dashboard-routes.ts`), and two crons (sampling, and the optimize pass named by
 * `OPTIMIZE_CRON`; the sampling one also counts attachment bytes per waddle). An error the dashboard did not expect answers 500 `internal` and is logged as
 * one JSON line with the route and the request id (`@waddle/worker-log`).
 */
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/health') {
        if (request.method !== 'GET') return error(405, 'method_not_allowed', 'use GET');
        return await healthResponse('waddle-monitor', env.CENTRAL_DB);
      }
      const central = retryWhenBusy(env.CENTRAL_DB);
      return (
        (await routeDashboard(request, { ...env, CENTRAL_DB: central }, monitorConfig(env), monitorDependencies(env))) ??
        error(404, 'not_found', `no route for ${request.method} ${pathname}`)
      );
    } catch (unexpected) {
      const context = { worker: 'waddle-monitor', route: `${request.method} ${pathname}`, requestId: requestIdOf(request) };
      logUnexpectedError('unexpected error', context, unexpected);
      return error(500, 'internal', 'something went wrong on our side');
    }
  },

  async scheduled(controller, env) {
    const config = monitorConfig(env);
    const dependencies = monitorDependencies(env);
    // Locally the api's wrangler dev writes the same central file (see retryWhenBusy).
    const central = retryWhenBusy(env.CENTRAL_DB);
    if (controller.cron === config.optimizeCron) {
      const report = await runOptimizeTick(central, dependencies, config);
      console.log(
        `optimize: ${report.optimized.length} optimized, ${report.failed.length} failed, ${report.notDue} not due, ${report.queries} queries`,
      );
      return;
    }
    const report = await runSamplingTick(central, dependencies, config);
    console.log(
      `sampling: ${report.measured.length} measured, ${report.failed.length} failed, ${report.alerts.length} alerts, ${report.queries} queries, next after waddle ${report.nextCursor}`,
    );
    const usage = await countAttachmentUsage(central, dependencies, config);
    if (usage)
      console.log(
        `attachments: ${usage.counted.length} waddles counted in ${usage.listCalls} list calls, next waddle ${usage.nextWaddleId}`,
      );
  },
} satisfies ExportedHandler<Env>;

function error(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status });
}
