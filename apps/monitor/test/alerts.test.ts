import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CentralDatabase } from '../src/central/central-database.ts';
import { measureDatabaseSize } from '../src/sampling/measure-database-size.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { configWith, freshPlatform, grow, registerWaddle, testDependencies } from './monitored-platform.ts';

const WEBHOOK = 'https://hooks.example.test/waddle-alerts';
let central: CentralDatabase;
let size: number;

beforeEach(async () => {
  central = await freshPlatform();
  await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
  // Far larger than the central database, so only penguins comes near the limits set below.
  await grow(env.WADDLE_PENGUINS, 2_500_000);
  size = await measureDatabaseSize(env.WADDLE_PENGUINS);
});

/** A limit that puts the penguins database at `percent` of it. */
const limitFor = (percent: number) => Math.round((size * 100) / percent);

describe('size alerts', () => {
  it('sends one alert per threshold crossing: 80 % once, nothing while above, 90 % once more, again after dropping and rising', async () => {
    const { dependencies, sent, clock } = testDependencies();
    const tick = async (percent: number) => {
      clock.advance(300_000);
      const before = sent.length;
      const report = await runSamplingTick(
        env.CENTRAL_DB,
        dependencies,
        configWith({ sizeLimitBytes: limitFor(percent), alertWebhookUrl: WEBHOOK }),
      );
      return { newlySent: sent.slice(before), report };
    };

    expect((await tick(70)).newlySent).toEqual([]);
    const crossing = await tick(85);
    expect(crossing.newlySent).toEqual([
      {
        url: WEBHOOK,
        method: 'POST',
        contentType: 'application/json',
        body: {
          type: 'waddle.database_size',
          level: 'warning',
          reason: 'threshold',
          database: { d1DatabaseId: 'test-penguins', name: 'penguins', waddleId: 1 },
          sizeBytes: size,
          limitBytes: limitFor(85),
          percentOfLimit: 85,
          thresholdPercent: 80,
          growthBytesPerDay: null,
          daysToFull: null,
          sampledAt: new Date(clock.now()).toISOString(),
          text: `[warning] database penguins (test-penguins) is at 85 % of ${Math.round(limitFor(85) / 1e5) / 10} MB: at or above 80 % of the limit`,
        },
      },
    ]);
    expect((await tick(85)).newlySent).toEqual([]);
    expect((await tick(88)).newlySent).toEqual([]);
    const critical = await tick(95);
    expect(critical.newlySent.map((r) => r.body)).toEqual([
      expect.objectContaining({ level: 'critical', reason: 'threshold', thresholdPercent: 90, percentOfLimit: 95 }),
    ]);
    expect((await tick(95)).newlySent).toEqual([]);
    const dropped = await tick(70);
    expect(dropped.newlySent).toEqual([]);
    expect(dropped.report.cleared).toEqual([
      { d1DatabaseId: 'test-penguins', level: 'warning' },
      { d1DatabaseId: 'test-penguins', level: 'critical' },
    ]);
    const again = await tick(82);
    expect(again.newlySent.map((r) => r.body)).toEqual([expect.objectContaining({ level: 'warning', percentOfLimit: 82 })]);

    const audit = await central.db
      .selectFrom('audit_log')
      .select(['action', 'resource_type', 'resource_id', 'metadata'])
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.action, a.resource_type, a.resource_id, JSON.parse(a.metadata!).level])).toEqual([
      ['monitor.size_alert', 'd1_database', 'test-penguins', 'warning'],
      ['monitor.size_alert', 'd1_database', 'test-penguins', 'critical'],
      ['monitor.size_alert_cleared', 'd1_database', 'test-penguins', 'warning'],
      ['monitor.size_alert_cleared', 'd1_database', 'test-penguins', 'critical'],
      ['monitor.size_alert', 'd1_database', 'test-penguins', 'warning'],
    ]);
    expect(JSON.parse(audit[0]!.metadata!)).toEqual({ ...(crossing.newlySent[0]!.body as object), delivery: { status: 'delivered' } });
    expect(await central.db.selectFrom('size_alert_states').select(['d1_database_id', 'level', 'reason']).execute()).toEqual([
      { d1_database_id: 'test-penguins', level: 'warning', reason: 'threshold' },
    ]);
  });

  it('clears a level only once the size falls the margin below its threshold: no alert storm around 80 %', async () => {
    const { dependencies, sent, clock } = testDependencies();
    const tick = async (percent: number) => {
      clock.advance(300_000);
      const before = sent.length;
      const report = await runSamplingTick(
        env.CENTRAL_DB,
        dependencies,
        configWith({ sizeLimitBytes: limitFor(percent), alertWebhookUrl: WEBHOOK, alertClearMarginPercent: 2 }),
      );
      return { levels: sent.slice(before).map((r) => (r.body as { level: string }).level), cleared: report.cleared.map((c) => c.level) };
    };
    expect(await tick(81)).toEqual({ levels: ['warning'], cleared: [] });
    // Swinging just under and over 80 %: still raised, nothing sent, nothing cleared.
    for (const percent of [79, 80.5, 78.5, 81]) expect(await tick(percent)).toEqual({ levels: [], cleared: [] });
    // Below 78 % it clears; back over 80 % it alerts again.
    expect(await tick(77)).toEqual({ levels: [], cleared: ['warning'] });
    expect(await tick(80.5)).toEqual({ levels: ['warning'], cleared: [] });
  });

  it('sends an alert the webhook refused again at the next sample, and records both attempts', async () => {
    const statuses = [500, 204];
    const { dependencies, sent, clock } = testDependencies({ status: () => statuses.shift() ?? 204 });
    const config = configWith({ sizeLimitBytes: limitFor(85), alertWebhookUrl: WEBHOOK });

    const refused = await runSamplingTick(env.CENTRAL_DB, dependencies, config);
    expect(refused.alerts.map((a) => a.delivery)).toEqual([{ status: 'failed', error: 'webhook answered 500' }]);
    clock.advance(300_000);
    const retried = await runSamplingTick(env.CENTRAL_DB, dependencies, config);
    expect(retried.alerts.map((a) => a.delivery)).toEqual([{ status: 'delivered' }]);
    clock.advance(300_000);
    await runSamplingTick(env.CENTRAL_DB, dependencies, config);

    expect(sent.map((r) => (r.body as { level: string }).level)).toEqual(['warning', 'warning']);
    const audit = await central.db
      .selectFrom('audit_log')
      .select('metadata')
      .where('action', '=', 'monitor.size_alert')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => JSON.parse(a.metadata!).delivery)).toEqual([
      { status: 'failed', error: 'webhook answered 500' },
      { status: 'delivered' },
    ]);
  });

  it('records alerts in the audit log, once, when no webhook is configured', async () => {
    const { dependencies, sent, clock } = testDependencies();
    const config = configWith({ sizeLimitBytes: limitFor(92), alertWebhookUrl: null });
    await runSamplingTick(env.CENTRAL_DB, dependencies, config);
    clock.advance(300_000);
    await runSamplingTick(env.CENTRAL_DB, dependencies, config);

    expect(sent).toEqual([]);
    const audit = await central.db
      .selectFrom('audit_log')
      .select('metadata')
      .where('action', '=', 'monitor.size_alert')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [JSON.parse(a.metadata!).level, JSON.parse(a.metadata!).delivery])).toEqual([
      ['warning', { status: 'not-configured' }],
      ['critical', { status: 'not-configured' }],
    ]);
  });
});
