import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { runOptimizeTick } from '../src/maintenance/optimize-tick.ts';
import { configWith, freshPlatform, registerWaddle, testDependencies } from './monitored-platform.ts';

describe('the optimize pass', () => {
  it('runs PRAGMA optimize on each database once per interval and records the ones it cannot reach', async () => {
    const central = await freshPlatform();
    await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
    await registerWaddle(central, 'puffins', 'test-puffins', 'WADDLE_PUFFINS');
    await registerWaddle(central, 'gone', 'test-gone', null);
    const { dependencies, clock } = testDependencies();
    const config = configWith({ optimizeIntervalHours: 24 });

    const first = await runOptimizeTick(env.CENTRAL_DB, dependencies, config);
    expect(first.optimized).toEqual(['local-central', 'test-penguins', 'test-puffins']);
    expect(first.failed).toEqual([{ d1DatabaseId: 'test-gone', error: 'waddle 3: no connector reaches database test-gone' }]);
    const rows = await central.db
      .selectFrom('monitored_databases')
      .select(['d1_database_id', 'optimized_at', 'optimize_error'])
      .orderBy('d1_database_id')
      .execute();
    expect(rows).toEqual([
      { d1_database_id: 'local-central', optimized_at: clock.now(), optimize_error: null },
      { d1_database_id: 'test-gone', optimized_at: null, optimize_error: 'waddle 3: no connector reaches database test-gone' },
      { d1_database_id: 'test-penguins', optimized_at: clock.now(), optimize_error: null },
      { d1_database_id: 'test-puffins', optimized_at: clock.now(), optimize_error: null },
    ]);

    clock.advance(3_600_000);
    const soon = await runOptimizeTick(env.CENTRAL_DB, dependencies, config);
    expect({ optimized: soon.optimized, notDue: soon.notDue }).toEqual({ optimized: [], notDue: 3 });

    clock.advance(24 * 3_600_000);
    const nextDay = await runOptimizeTick(env.CENTRAL_DB, dependencies, config);
    expect(nextDay.optimized).toEqual(['local-central', 'test-penguins', 'test-puffins']);
  });

  it('is what the scheduled handler runs on the optimize cron', async () => {
    const central = await freshPlatform();
    await worker.scheduled(createScheduledController({ cron: env.OPTIMIZE_CRON }), env);
    const rows = await central.db
      .selectFrom('monitored_databases')
      .select(['d1_database_id', 'size_bytes'])
      .where('optimized_at', 'is not', null)
      .execute();
    expect(rows).toEqual([{ d1_database_id: 'local-central', size_bytes: null }]);
    expect(await central.db.selectFrom('size_samples').selectAll().execute()).toEqual([]);
  });
});
