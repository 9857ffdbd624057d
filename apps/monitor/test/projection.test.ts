import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { measureDatabaseSize } from '../src/sampling/measure-database-size.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { addToFit, emptyFitSums, sizeTrend } from '../src/sampling/size-trend.ts';
import { configWith, freshPlatform, grow, registerWaddle, testDependencies } from './monitored-platform.ts';

const DAY = 86_400_000;

describe('the size projection', () => {
  it('fits the growth of synthetic samples and the days left until the limit', () => {
    const start = Date.now();
    // 7 days, hourly, growing 20 MB a day from 6 GB, with ±3 MB of alternating noise.
    let sums = emptyFitSums(start);
    for (let hour = 0; hour <= 7 * 24; hour += 1) {
      sums = addToFit(sums, { sampledAt: start + hour * 3_600_000, sizeBytes: 6e9 + (2e7 * hour) / 24 + (hour % 2 === 0 ? 3e6 : -3e6) });
    }
    const current = 6e9 + 2e7 * 7;
    const trend = sizeTrend(sums, current, 1e10);
    expect(trend.growthBytesPerDay).toBeCloseTo(2e7, -3);
    expect(trend.daysToFull).toBeCloseTo((1e10 - current) / 2e7, 1);
  });

  it('has no growth from too few samples, no days to full when shrinking, and zero days once full', () => {
    const start = Date.now();
    const one = addToFit(emptyFitSums(start), { sampledAt: start, sizeBytes: 5e9 });
    expect(sizeTrend(one, 5e9, 1e10)).toEqual({ growthBytesPerDay: null, daysToFull: null });
    const minutesApart = addToFit(one, { sampledAt: start + 600_000, sizeBytes: 6e9 });
    expect(sizeTrend(minutesApart, 6e9, 1e10)).toEqual({ growthBytesPerDay: null, daysToFull: null });
    const shrinking = addToFit(one, { sampledAt: start + 2 * DAY, sizeBytes: 4e9 });
    expect(sizeTrend(shrinking, 4e9, 1e10)).toEqual({ growthBytesPerDay: -5e8, daysToFull: null });
    const full = addToFit(one, { sampledAt: start + DAY, sizeBytes: 1.1e10 });
    expect(sizeTrend(full, 1.1e10, 1e10)).toEqual({ growthBytesPerDay: 6e9, daysToFull: 0 });
  });

  it('fits stored samples of the last seven days plus the new one, and warns early when full within the horizon', async () => {
    const central = await freshPlatform();
    await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
    await grow(env.WADDLE_PENGUINS, 2_500_000);
    const size = await measureDatabaseSize(env.WADDLE_PENGUINS);
    const { dependencies, sent, clock } = testDependencies();
    const growth = 250_000; // bytes a day
    // Hourly history over the past 7 days on the line that ends at today's size, and an older
    // sample far off the line that the 7-day window must leave out.
    const history = Array.from({ length: 7 * 24 }, (_, i) => ({
      d1_database_id: 'test-penguins',
      sampled_at: clock.now() - (i + 1) * 3_600_000,
      size_bytes: Math.round(size - (growth * (i + 1)) / 24),
    }));
    history.push({ d1_database_id: 'test-penguins', sampled_at: clock.now() - 8 * DAY, size_bytes: 0 });
    for (let i = 0; i < history.length; i += 30)
      await central.db
        .insertInto('size_samples')
        .values(history.slice(i, i + 30))
        .execute();

    const limit = size + growth * 10; // ten days to full, at about 50 % of the limit
    const report = await runSamplingTick(
      env.CENTRAL_DB,
      dependencies,
      configWith({ sizeLimitBytes: limit, projectionHorizonDays: 14, alertWebhookUrl: 'https://hooks.example.test/a' }),
    );

    const monitored = await central.db
      .selectFrom('monitored_databases')
      .selectAll()
      .where('d1_database_id', '=', 'test-penguins')
      .executeTakeFirstOrThrow();
    expect(monitored.growth_bytes_per_day).toBeCloseTo(growth, -1);
    expect(monitored.days_to_full).toBeCloseTo(10, 2);
    expect(report.alerts.map((a) => [a.alert.level, a.alert.reason])).toEqual([['warning', 'projection']]);
    expect(sent[0]!.body).toMatchObject({
      level: 'warning',
      reason: 'projection',
      daysToFull: monitored.days_to_full,
      growthBytesPerDay: monitored.growth_bytes_per_day,
    });
    expect((sent[0]!.body as { percentOfLimit: number }).percentOfLimit).toBeLessThan(80);
  });
});
