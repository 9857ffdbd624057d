import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { monitorConfig } from './config/monitor-config.ts';
import { runOptimizeTick } from './maintenance/optimize-tick.ts';
import { createMonitorApp } from './monitor-app.ts';
import { monitorDependencies } from './monitor-dependencies.ts';
import { runSamplingTick } from './sampling/sampling-tick.ts';
import { runShardTick } from './shards/shard-tick.ts';
import { countAttachmentUsage } from './attachments/count-attachment-usage.ts';

const app = createMonitorApp();

/**
 * The size monitor Worker: its HTTP app (`createMonitorApp`: `GET /health`, the operators'
 * dashboard and its JSON API on Hono), and three crons (sampling, the optimize pass named by
 * `OPTIMIZE_CRON`, the shard pass named by `SHARD_CRON`; the sampling one also counts attachment
 * bytes per waddle).
 */
export default {
  fetch: app.fetch,

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
    if (controller.cron === config.shardCron) {
      const report = await runShardTick(central, dependencies, config);
      console.log(
        `shards: ${report.opened.length} opened, ${report.busy.length} busy, ${report.failed.length} failed, ${report.deferred.length} deferred, ${report.queries} queries`,
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
