import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { assignReach } from '@waddle/registry/assign-reach';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CentralDatabase } from '../src/central/central-database.ts';
import worker from '../src/index.ts';
import { measureDatabaseSize } from '../src/sampling/measure-database-size.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { configWith, freshPlatform, grow, registerDatabase, registerWaddle, testDependencies } from './monitored-platform.ts';

let central: CentralDatabase;
beforeEach(async () => {
  central = await freshPlatform();
});

describe('the scheduled sampling', () => {
  it('samples the central database and every waddle database, and records the unreachable one as an error', async () => {
    const penguins = await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
    await registerWaddle(central, 'puffins', 'test-puffins', 'WADDLE_PUFFINS');
    await registerWaddle(central, 'krill', 'test-krill', 'WADDLE_KRILL');
    const gone = await registerWaddle(central, 'gone', 'test-gone', 'WADDLE_GONE');
    await grow(env.WADDLE_PENGUINS, 2_500_000);
    const sizes = {
      'test-penguins': await measureDatabaseSize(env.WADDLE_PENGUINS),
      'test-puffins': await measureDatabaseSize(env.WADDLE_PUFFINS),
      'test-krill': await measureDatabaseSize(env.WADDLE_KRILL),
    };

    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env);

    const samples = await central.db.selectFrom('size_samples').selectAll().orderBy('d1_database_id').execute();
    expect(samples.map((s) => s.d1_database_id)).toEqual(['local-central', 'test-krill', 'test-penguins', 'test-puffins']);
    for (const sample of samples.filter((s) => s.d1_database_id !== 'local-central')) {
      expect(sample.size_bytes).toBe(sizes[sample.d1_database_id as keyof typeof sizes]);
    }
    expect(sizes['test-penguins']).toBeGreaterThan(2_500_000);
    expect(samples[0]!.size_bytes).toBeGreaterThan(0);

    const monitored = await central.db.selectFrom('monitored_databases').selectAll().orderBy('size_bytes', 'desc').execute();
    expect(monitored.map((m) => [m.name, m.size_bytes === null ? null : 'sized', m.sample_error])).toEqual([
      ['penguins', 'sized', null],
      ['central', 'sized', null],
      ['krill', 'sized', null],
      ['puffins', 'sized', null],
      ['gone', null, 'waddle 4: no connector reaches database test-gone (binding WADDLE_GONE)'],
    ]);
    expect(monitored.find((m) => m.name === 'gone')!.waddle_id).toBe(gone);

    const directory = await central.db
      .selectFrom('databases')
      .select(['d1_database_id', 'size_bytes', 'size_measured_at'])
      .orderBy('id')
      .execute();
    expect(directory).toEqual([
      { d1_database_id: 'test-penguins', size_bytes: sizes['test-penguins'], size_measured_at: samples[0]!.sampled_at },
      { d1_database_id: 'test-puffins', size_bytes: sizes['test-puffins'], size_measured_at: samples[0]!.sampled_at },
      { d1_database_id: 'test-krill', size_bytes: sizes['test-krill'], size_measured_at: samples[0]!.sampled_at },
      { d1_database_id: 'test-gone', size_bytes: null, size_measured_at: null },
    ]);
  });

  it('samples a database that only the directory lists, under its D1 id, and records its size in its directory row', async () => {
    await registerDatabase(central, 'test-krill', 'WADDLE_KRILL');
    const { dependencies, clock } = testDependencies();
    const report = await runSamplingTick(env.CENTRAL_DB, dependencies, configWith({}));
    const size = await measureDatabaseSize(env.WADDLE_KRILL);
    expect(report.measured).toEqual([
      { d1DatabaseId: 'local-central', sizeBytes: expect.any(Number) },
      { d1DatabaseId: 'test-krill', sizeBytes: size },
    ]);
    expect(
      await central.db.selectFrom('monitored_databases').select(['name', 'waddle_id']).where('d1_database_id', '=', 'test-krill').execute(),
    ).toEqual([{ name: 'test-krill', waddle_id: null }]);
    expect(await central.db.selectFrom('databases').select(['size_bytes', 'size_measured_at']).execute()).toEqual([
      { size_bytes: size, size_measured_at: clock.now() },
    ]);
  });

  it("keeps a database's last size when a later attempt fails, and shows the error", async () => {
    const { dependencies, clock } = testDependencies();
    await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
    const config = configWith({});
    await runSamplingTick(env.CENTRAL_DB, dependencies, config);
    const before = await central.db
      .selectFrom('monitored_databases')
      .select(['size_bytes', 'sampled_at'])
      .where('name', '=', 'penguins')
      .executeTakeFirstOrThrow();

    await assignReach(env.CENTRAL_DB, 'test-penguins', { slice: null, binding: 'WADDLE_MOVED' }, clock.now());
    clock.advance(300_000);
    const report = await runSamplingTick(env.CENTRAL_DB, dependencies, config);

    expect(report.failed).toEqual([
      { d1DatabaseId: 'test-penguins', error: 'waddle 1: no connector reaches database test-penguins (binding WADDLE_MOVED)' },
    ]);
    const after = await central.db.selectFrom('monitored_databases').selectAll().where('name', '=', 'penguins').executeTakeFirstOrThrow();
    expect(after).toMatchObject({ ...before, sample_attempted_at: clock.now(), sample_error: expect.stringContaining('WADDLE_MOVED') });
  });
});

describe('sample retention', () => {
  it("deletes a database's samples older than the retention when it is sampled again, and no one else's", async () => {
    await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
    const { dependencies, clock } = testDependencies();
    const day = 86_400_000;
    await central.db
      .insertInto('size_samples')
      .values([
        { d1_database_id: 'test-penguins', sampled_at: clock.now() - 31 * day, size_bytes: 1 },
        { d1_database_id: 'test-penguins', sampled_at: clock.now() - 29 * day, size_bytes: 2 },
        { d1_database_id: 'test-elsewhere', sampled_at: clock.now() - 40 * day, size_bytes: 3 },
      ])
      .execute();
    await runSamplingTick(env.CENTRAL_DB, dependencies, configWith({ sampleRetentionDays: 30 }));
    const left = await central.db
      .selectFrom('size_samples')
      .select(['d1_database_id', 'size_bytes'])
      .where('size_bytes', '<', 4)
      .orderBy('size_bytes')
      .execute();
    expect(left).toEqual([
      { d1_database_id: 'test-penguins', size_bytes: 2 },
      { d1_database_id: 'test-elsewhere', size_bytes: 3 },
    ]);
  });
});
