import type { D1DatabaseLike } from '@waddle/d1/database';
import { openCentralDatabase } from '../central/central-database.ts';
import type { MonitorConfig } from '../config/monitor-config.ts';
import type { MonitorDependencies } from '../monitor-dependencies.ts';
import { runSamplingTick } from '../sampling/sampling-tick.ts';
import { countAttachmentUsage } from '../attachments/count-attachment-usage.ts';
import { dashboardPage } from './dashboard-page.ts';
import { databaseSamples } from './database-samples.ts';
import { listMonitoredDatabases, recentSizeAlerts } from './database-listing.ts';
import { isOperator, tokenCookie } from './operator-auth.ts';

/** What the dashboard routes need from the Worker's environment. */
export interface DashboardEnv {
  readonly CENTRAL_DB: D1DatabaseLike;
  readonly MONITOR_TOKEN?: string;
}

const SAMPLES_PATH = /^\/api\/databases\/([^/]+)\/samples$/;

/**
 * The operators' routes, all behind the `MONITOR_TOKEN` (401 and no data without it):
 *
 * - `GET /` the dashboard page; `/?token=…` sets the HttpOnly cookie and redirects to `/`;
 * - `GET /api/databases` every monitored database fullest first, the limits, and the latest alerts;
 * - `GET /api/databases/{d1DatabaseId}/samples?days=7&points=400` a database's samples;
 * - `POST /api/sample` runs one sampling tick now (the cron's work, within the same query
 *   budget, and its count of attachment bytes), for a fresh view after a deploy or on a local `wrangler dev`, where crons do not fire.
 *   A browser may only send it from the dashboard's own origin.
 *
 * Returns `null` for any other path, so the caller answers 404. "Now" (the samples' window, the
 * listing's `generatedAt`) is `dependencies.now`, the clock the sampling tick stamps samples with.
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
 * return (await routeDashboard(request, env, monitorConfig(env), monitorDependencies(env))) ?? notFound();
 * ```
 */
export async function routeDashboard(
  request: Request,
  env: DashboardEnv,
  config: MonitorConfig,
  dependencies: MonitorDependencies,
): Promise<Response | null> {
  const url = new URL(request.url);
  const samplesMatch = SAMPLES_PATH.exec(url.pathname);
  const sampleNow = url.pathname === '/api/sample';
  if (url.pathname !== '/' && url.pathname !== '/api/databases' && !samplesMatch && !sampleNow) return null;
  const method = sampleNow ? 'POST' : 'GET';
  if (request.method !== method) return jsonError(405, 'method_not_allowed', `use ${method}`);
  if (!(await isOperator(request, env.MONITOR_TOKEN))) {
    const message = env.MONITOR_TOKEN
      ? 'an operator token is required: Authorization: Bearer <MONITOR_TOKEN>, or open /?token=<MONITOR_TOKEN>'
      : 'MONITOR_TOKEN is not configured';
    if (url.pathname === '/')
      return new Response(`401 Unauthorized\n\n${message}\n`, {
        status: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      });
    return jsonError(401, 'unauthorized', message);
  }
  const central = openCentralDatabase(env.CENTRAL_DB);

  if (sampleNow) {
    const origin = request.headers.get('origin');
    if (origin !== null && origin !== url.origin)
      return jsonError(403, 'forbidden', 'sampling can only be started from the dashboard itself');
    const report = await runSamplingTick(env.CENTRAL_DB, dependencies, config);
    const usage = await countAttachmentUsage(env.CENTRAL_DB, dependencies, config);
    return json({
      measured: report.measured.length,
      failed: report.failed,
      alertsSent: report.alerts.length,
      queries: report.queries,
      nextCursor: report.nextCursor,
      attachmentWaddlesCounted: usage?.counted.length ?? 0,
    });
  }

  if (url.pathname === '/') {
    const token = url.searchParams.get('token');
    if (token !== null) {
      return new Response(null, {
        status: 303,
        headers: { location: '/', 'set-cookie': tokenCookie(token, url.protocol === 'https:'), 'cache-control': 'no-store' },
      });
    }
    const nonce = crypto.randomUUID().replaceAll('-', '');
    return new Response(dashboardPage(nonce), {
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      },
    });
  }

  if (samplesMatch) {
    const d1DatabaseId = decodeURIComponent(samplesMatch[1]!);
    const days = boundedNumber(url.searchParams.get('days'), config.projectionWindowDays, 1, 90);
    const points = boundedNumber(url.searchParams.get('points'), 400, 2, 2000);
    const known = await central.db
      .selectFrom('monitored_databases')
      .select('d1_database_id')
      .where('d1_database_id', '=', d1DatabaseId)
      .executeTakeFirst();
    if (!known) return jsonError(404, 'not_found', `no monitored database ${d1DatabaseId}`);
    const samples = await databaseSamples(central, d1DatabaseId, dependencies.now() - days * 86_400_000, Math.floor(points));
    return json({ d1DatabaseId, days, samples });
  }

  const [databases, alerts] = await Promise.all([listMonitoredDatabases(central, config), recentSizeAlerts(central, 50)]);
  return json({
    generatedAt: dependencies.now(),
    limitBytes: config.sizeLimitBytes,
    warningPercent: config.warningPercent,
    criticalPercent: config.criticalPercent,
    projectionWindowDays: config.projectionWindowDays,
    projectionHorizonDays: config.projectionHorizonDays,
    databases,
    alerts,
  });
}

function boundedNumber(raw: string | null, fallback: number, min: number, max: number): number {
  const value = raw === null ? fallback : Number(raw);
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function json(body: unknown): Response {
  return Response.json(body, { headers: { 'cache-control': 'no-store' } });
}

function jsonError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'cache-control': 'no-store' } });
}
