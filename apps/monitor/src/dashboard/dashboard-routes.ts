import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { errorAnswer } from '@waddle/worker-http/error-answer';
import type { Hono, MiddlewareHandler } from 'hono';
import { openCentralDatabase } from '../central/central-database.ts';
import type { MonitorEnv, MonitorSetup } from '../http/monitor-env.ts';
import { serveOnly } from '../http/serve-only.ts';
import { runSamplingTick } from '../sampling/sampling-tick.ts';
import { countAttachmentUsage } from '../attachments/count-attachment-usage.ts';
import { dashboardPage } from './dashboard-page.ts';
import { databaseSamples } from './database-samples.ts';
import { listMonitoredDatabases, recentSizeAlerts } from './database-listing.ts';
import { requireOperator, tokenCookie } from './operator-auth.ts';

/**
 * The operators' routes on `app`, all behind the `MONITOR_TOKEN` (`requireOperator`: 401 and no
 * data without it), each with the setup `setupOf` reads from the environment (its thresholds
 * and its clock, before the token is checked):
 *
 * - `GET /` the dashboard page; `/?token=…` sets the HttpOnly cookie and redirects to `/`;
 * - `GET /api/databases` every monitored database fullest first (each with its place among its
 *   waddle's message shards), the limits and the shard threshold, and the latest alerts;
 * - `GET /api/databases/{d1DatabaseId}/samples?days=7&points=400` a database's samples;
 * - `POST /api/sample` runs one sampling tick now (the cron's work, within the same query
 *   budget, and its count of attachment bytes), for a fresh view after a deploy or on a local `wrangler dev`, where crons do not fire.
 *   A browser may only send it from the dashboard's own origin.
 *
 * "Now" (the samples' window, the listing's `generatedAt`) is the setup's `dependencies.now`, the
 * clock the sampling tick stamps samples with.
 *
 * ```sql
 * SELECT * FROM monitored_databases ORDER BY size_bytes DESC, d1_database_id;
 * SELECT d1_database_id, level FROM size_alert_states;
 * SELECT waddle_id, bytes, objects, measured_at FROM attachment_usage;
 * SELECT id, created_at, resource_id, metadata FROM audit_log WHERE action = 'monitor.size_alert' ORDER BY id DESC LIMIT 50;
 * SELECT sampled_at, size_bytes FROM size_samples WHERE d1_database_id = ? AND sampled_at >= ? ORDER BY sampled_at;
 * ```
 *
 * @example
 * ```ts
 * dashboardRoutes(app, (env) => ({ config: monitorConfig(env), dependencies: monitorDependencies(env) }));
 * ```
 */
export function dashboardRoutes(app: Hono<MonitorEnv>, setupOf: (env: Env) => MonitorSetup): void {
  const setup: MiddlewareHandler<MonitorEnv> = async (c, next) => {
    const { config, dependencies } = setupOf(c.env);
    c.set('config', config);
    c.set('dependencies', dependencies);
    c.set('central', retryWhenBusy(c.env.CENTRAL_DB));
    await next();
  };

  serveOnly(app, 'GET', '/', setup, requireOperator('page'), (c) => {
    const token = c.req.query('token');
    if (token !== undefined) {
      const secure = new URL(c.req.url).protocol === 'https:';
      return new Response(null, { status: 303, headers: { location: '/', 'set-cookie': tokenCookie(token, secure) } });
    }
    const nonce = crypto.randomUUID().replaceAll('-', '');
    return new Response(dashboardPage(nonce), {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      },
    });
  });

  serveOnly(app, 'GET', '/api/databases', setup, requireOperator('json'), async (c) => {
    const { config, dependencies } = c.var;
    const central = openCentralDatabase(c.var.central);
    const [databases, alerts] = await Promise.all([listMonitoredDatabases(central, config), recentSizeAlerts(central, 50)]);
    return c.json({
      generatedAt: dependencies.now(),
      limitBytes: config.sizeLimitBytes,
      warningPercent: config.warningPercent,
      criticalPercent: config.criticalPercent,
      projectionWindowDays: config.projectionWindowDays,
      projectionHorizonDays: config.projectionHorizonDays,
      shardThresholdBytes: config.shardThresholdBytes,
      databases,
      alerts,
    });
  });

  serveOnly(app, 'GET', '/api/databases/:d1DatabaseId/samples', setup, requireOperator('json'), async (c) => {
    const { config, dependencies } = c.var;
    const d1DatabaseId = c.req.param('d1DatabaseId');
    const days = boundedNumber(c.req.query('days'), config.projectionWindowDays, 1, 90);
    const points = boundedNumber(c.req.query('points'), 400, 2, 2000);
    const central = openCentralDatabase(c.var.central);
    const known = await central.db
      .selectFrom('monitored_databases')
      .select('d1_database_id')
      .where('d1_database_id', '=', d1DatabaseId)
      .executeTakeFirst();
    if (!known) return errorAnswer(404, 'not_found', `no monitored database ${d1DatabaseId}`);
    const samples = await databaseSamples(central, d1DatabaseId, dependencies.now() - days * 86_400_000, Math.floor(points));
    return c.json({ d1DatabaseId, days, samples });
  });

  serveOnly(app, 'POST', '/api/sample', setup, requireOperator('json'), async (c) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== new URL(c.req.url).origin)
      return errorAnswer(403, 'forbidden', 'sampling can only be started from the dashboard itself');
    const report = await runSamplingTick(c.var.central, c.var.dependencies, c.var.config);
    const usage = await countAttachmentUsage(c.var.central, c.var.dependencies, c.var.config);
    return c.json({
      measured: report.measured.length,
      failed: report.failed,
      alertsSent: report.alerts.length,
      queries: report.queries,
      nextCursor: report.nextCursor,
      attachmentWaddlesCounted: usage?.counted.length ?? 0,
    });
  });
}

function boundedNumber(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
