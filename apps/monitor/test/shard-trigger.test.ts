import { createScheduledController } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { DEFAULT_SHARD_THRESHOLD_BYTES } from '@waddle/provisioning/message-shard-threshold';
import { acquireLease } from '@waddle/provisioning/migration-lease';
import { openMessageShard, SHARD_LEASE_TTL_MS } from '@waddle/provisioning/open-message-shard';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { readMessageShardMap } from '@waddle/registry/message-shard-map';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CentralDatabase } from '../src/central/central-database.ts';
import { InvalidMonitorConfigError, monitorConfig } from '../src/config/monitor-config.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { QUERIES_PER_SWITCH, runShardTick, SHARD_OPENED_ACTION } from '../src/shards/shard-tick.ts';
import worker from '../src/index.ts';
import { createMonitorApp } from '../src/monitor-app.ts';
import { configWith, freshPlatform, grow, registerWaddle, testDependencies } from './monitored-platform.ts';
import { measureDatabaseSize } from '../src/sampling/measure-database-size.ts';

const BOUND: Readonly<Record<string, D1Database>> = {
  'test-penguins': env.WADDLE_PENGUINS,
  'test-puffins': env.WADDLE_PUFFINS,
  'test-krill': env.WADDLE_KRILL,
};

/**
 * The control plane of the tests (the one thing not local): creating a database hands out the
 * next of the bound, empty databases, a new id on every call as `POST /accounts/{id}/d1/database`
 * does; the databases of a switch are the Worker's own bindings. `failingOpens` opens fail first,
 * as a D1 REST API answering 503 would.
 */
function controlPlane(failingOpens = 0) {
  const free = ['test-puffins', 'test-krill'];
  const created: string[] = [];
  let failures = failingOpens;
  const target: DatabaseTarget = {
    name: 'remote',
    centralDatabaseId: 'local-central',
    createDatabase: async (name) => {
      const id = free.shift();
      if (!id) throw new Error('no database left to create');
      created.push(name);
      return id;
    },
    open: async () => {
      if (failures-- > 0) throw new Error('D1 REST API: 503 Service Unavailable');
      return { get: (id) => BOUND[id]!, dispose: async () => {} };
    },
    deleteDatabase: async () => {
      throw new Error('no database is deleted by a switch');
    },
  };
  return { target, created };
}

let central: CentralDatabase;
let waddleId: number;
let emptySize: number;
beforeEach(async () => {
  central = await freshPlatform();
  waddleId = await registerWaddle(central, 'penguins', 'test-penguins', 'WADDLE_PENGUINS');
  const { error } = await new Migrator({ database: env.WADDLE_PENGUINS, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  const waddle = openWaddleDatabase(env.WADDLE_PENGUINS);
  await waddle.db.insertInto('channels').values({ id: 1, name: 'general', created_by: 1 }).execute();
  for (const content of ['first', 'second', 'third']) await postMessage(waddle, { channelId: 1, authorId: 1, content, createdAt: 1 });
  emptySize = await measureDatabaseSize(env.WADDLE_PENGUINS);
});

/** The sampling's dependencies, reaching every bound database by its D1 id (a new shard's row names no binding). */
function dependencies() {
  return testDependencies({ extra: [({ d1DatabaseId }) => BOUND[d1DatabaseId]] });
}

async function shardMap() {
  return (await readMessageShardMap(env.CENTRAL_DB, waddleId))!.shards.map((s) => [s.d1DatabaseId, s.firstMessageId, s.state]);
}

describe('the shard pass', () => {
  it('opens a shard once the primary passes the threshold, and a second pass, after a new sample, opens nothing more', async () => {
    // The threshold is above a migrated, nearly empty database (what the new shard is) and below the grown primary.
    const config = configWith({ shardThresholdBytes: emptySize + 500_000 });
    await grow(env.WADDLE_PENGUINS, 1_000_000);
    const { dependencies: sampling, clock } = dependencies();
    const { target, created } = controlPlane();
    await runSamplingTick(env.CENTRAL_DB, sampling, config);

    const first = await runShardTick(env.CENTRAL_DB, { ...sampling, shardTarget: target }, config);

    expect(first.opened).toEqual([
      { waddleId, reason: 'threshold', replaced: 'test-penguins', d1DatabaseId: 'test-puffins', firstMessageId: 4 },
    ]);
    expect([first.busy, first.failed, first.deferred]).toEqual([[], [], []]);
    console.log('switch queries', first.queries);
    expect(first.queries).toBeLessThanOrEqual(QUERIES_PER_SWITCH);
    expect(await shardMap()).toEqual([
      ['test-penguins', 1, 'sealed'],
      ['test-puffins', 4, 'active'],
    ]);
    expect(created).toEqual([`waddle-${waddleId}-shard-2`]);
    // The fence of the sealed primary refuses a post that read the old map.
    await expect(
      postMessage(openWaddleDatabase(env.WADDLE_PENGUINS), { channelId: 1, authorId: 1, content: 'late', createdAt: 2 }),
    ).rejects.toThrow(/shard_sealed/);
    const audit = await central.db.selectFrom('audit_log').selectAll().where('action', '=', SHARD_OPENED_ACTION).execute();
    expect(audit.map((a) => [a.resource_id, JSON.parse(a.metadata!).d1DatabaseId, JSON.parse(a.metadata!).reason])).toEqual([
      [String(waddleId), 'test-puffins', 'threshold'],
    ]);

    clock.advance(10 * 60_000);
    const sampled = await runSamplingTick(env.CENTRAL_DB, sampling, config);
    expect(sampled.measured.map((m) => m.d1DatabaseId)).toContain('test-puffins');
    const second = await runShardTick(env.CENTRAL_DB, { ...sampling, shardTarget: target }, config);

    expect(second).toMatchObject({ opened: [], busy: [], failed: [], deferred: [] });
    expect(created).toHaveLength(1);
    expect(await shardMap()).toEqual([
      ['test-penguins', 1, 'sealed'],
      ['test-puffins', 4, 'active'],
    ]);

    // The dashboard shows the threshold, and each database's place among the waddle's shards.
    const app = createMonitorApp(() => ({ config, dependencies: sampling }));
    const response = await app.fetch(
      new Request('http://monitor/api/databases', { headers: { authorization: 'Bearer test-operator-token' } }),
      env,
    );
    const body = await response.json<{
      shardThresholdBytes: number;
      databases: { d1DatabaseId: string; sizeBytes: number; messageShard: unknown }[];
    }>();
    expect(body.shardThresholdBytes).toBe(config.shardThresholdBytes);
    const puffins = body.databases.find((d) => d.d1DatabaseId === 'test-puffins')!;
    expect(Object.fromEntries(body.databases.map((d) => [d.d1DatabaseId, d.messageShard]))).toEqual({
      'local-central': null,
      'test-penguins': { waddleId, state: 'sealed', firstMessageId: 1, percentOfThreshold: null },
      'test-puffins': {
        waddleId,
        state: 'active',
        firstMessageId: 4,
        percentOfThreshold: Math.round((puffins.sizeBytes / config.shardThresholdBytes) * 1000) / 10,
      },
    });
  });

  it('opens a shard when the growth reaches the threshold within the projection horizon, not when the horizon is shorter', async () => {
    const { dependencies: sampling, clock } = dependencies();
    await runSamplingTick(env.CENTRAL_DB, sampling, configWith({}));
    await grow(env.WADDLE_PENGUINS, 200_000);
    clock.advance(2 * 3_600_000);
    await runSamplingTick(env.CENTRAL_DB, sampling, configWith({}));
    const row = await central.db
      .selectFrom('monitored_databases')
      .selectAll()
      .where('d1_database_id', '=', 'test-penguins')
      .executeTakeFirstOrThrow();
    expect(row.growth_bytes_per_day).toBeGreaterThan(0);
    // Seven days of that growth from here: under the horizon of 14, past one of 3.
    const shardThresholdBytes = Math.round(row.size_bytes! + row.growth_bytes_per_day! * 7);
    const { target, created } = controlPlane();

    const short = await runShardTick(
      env.CENTRAL_DB,
      { ...sampling, shardTarget: target },
      configWith({ shardThresholdBytes, projectionHorizonDays: 3 }),
    );
    expect(short.opened).toEqual([]);
    const long = await runShardTick(
      env.CENTRAL_DB,
      { ...sampling, shardTarget: target },
      configWith({ shardThresholdBytes, projectionHorizonDays: 14 }),
    );

    expect(long.opened.map((o) => [o.reason, o.d1DatabaseId])).toEqual([['projection', 'test-puffins']]);
    expect(created).toHaveLength(1);
  });

  it('resumes its own failed switch at the next pass, with the database it created', async () => {
    const config = configWith({ shardThresholdBytes: emptySize + 500_000 });
    await grow(env.WADDLE_PENGUINS, 1_000_000);
    const { dependencies: sampling } = dependencies();
    const { target, created } = controlPlane(1);
    await runSamplingTick(env.CENTRAL_DB, sampling, config);

    const failed = await runShardTick(env.CENTRAL_DB, { ...sampling, shardTarget: target }, config);
    expect(failed.opened).toEqual([]);
    expect(failed.failed).toEqual([{ waddleId, error: 'D1 REST API: 503 Service Unavailable' }]);
    expect(await shardMap()).toEqual([
      ['test-penguins', 1, 'taking'],
      ['test-puffins', Number.MAX_SAFE_INTEGER, 'opening'],
    ]);

    const resumed = await runShardTick(env.CENTRAL_DB, { ...sampling, shardTarget: target }, config);

    expect(resumed.opened).toEqual([
      { waddleId, reason: 'resume', replaced: 'test-penguins', d1DatabaseId: 'test-puffins', firstMessageId: 4 },
    ]);
    expect(created).toHaveLength(1);
    expect(await shardMap()).toEqual([
      ['test-penguins', 1, 'sealed'],
      ['test-puffins', 4, 'active'],
    ]);
  });

  it('leaves a switch that died after sealing to its lease, then completes it once the lease expired', async () => {
    const { dependencies: sampling, clock } = dependencies();
    const { target, created } = controlPlane();
    // An operator's `waddle shard open` dies right after sealing the primary: posts are refused until it completes.
    const dying = openMessageShard(env.CENTRAL_DB, target, waddleId, 'test-penguins', {
      clock: clock.now,
      holder: 'operator',
      afterStep: (step) => {
        if (step === 'sealed') throw new Error('killed');
      },
    });
    await expect(dying).rejects.toThrow('killed');
    // A killed process never gives its lease back.
    expect(await acquireLease(env.CENTRAL_DB, `shard:${waddleId}`, 'operator', SHARD_LEASE_TTL_MS, clock.now())).toBe(true);
    const config = configWith({});

    const left = await runShardTick(env.CENTRAL_DB, { ...sampling, shardTarget: target }, config);
    expect(left).toMatchObject({ opened: [], busy: [waddleId], failed: [] });
    expect(await shardMap()).toEqual([
      ['test-penguins', 1, 'sealed'],
      ['test-puffins', Number.MAX_SAFE_INTEGER, 'opening'],
    ]);

    clock.advance(SHARD_LEASE_TTL_MS);
    const completed = await runShardTick(env.CENTRAL_DB, { ...sampling, shardTarget: target }, config);

    expect(completed.opened.map((o) => [o.reason, o.d1DatabaseId, o.firstMessageId])).toEqual([['resume', 'test-puffins', 4]]);
    expect(created).toHaveLength(1);
    expect(await shardMap()).toEqual([
      ['test-penguins', 1, 'sealed'],
      ['test-puffins', 4, 'active'],
    ]);
  });

  it('without a target to create databases, reports the due waddle and changes nothing', async () => {
    const config = configWith({ shardThresholdBytes: emptySize + 500_000 });
    await grow(env.WADDLE_PENGUINS, 1_000_000);
    const { dependencies: sampling } = dependencies();
    await runSamplingTick(env.CENTRAL_DB, sampling, config);

    const report = await runShardTick(env.CENTRAL_DB, sampling, config);

    expect(report).toMatchObject({ opened: [], deferred: [{ waddleId, why: 'no-target' }] });
    expect(await shardMap()).toEqual([['test-penguins', 1, 'taking']]);
  });
});

describe('the SHARD_CRON cron', () => {
  it('runs the shard pass instead of sampling', async () => {
    await worker.scheduled(createScheduledController({ cron: monitorConfig(env).shardCron }), env);
    expect(await central.db.selectFrom('size_samples').selectAll().execute()).toEqual([]);

    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env);
    expect((await central.db.selectFrom('size_samples').selectAll().execute()).length).toBeGreaterThan(0);
  });
});

describe('SHARD_THRESHOLD_BYTES', () => {
  it('defaults to DEFAULT_SHARD_THRESHOLD_BYTES, is read from wrangler.jsonc, and must stay below SIZE_LIMIT_BYTES', () => {
    expect(monitorConfig({}).shardThresholdBytes).toBe(DEFAULT_SHARD_THRESHOLD_BYTES);
    expect(monitorConfig(env).shardThresholdBytes).toBe(DEFAULT_SHARD_THRESHOLD_BYTES);
    expect(monitorConfig({ SHARD_THRESHOLD_BYTES: '4096' }).shardThresholdBytes).toBe(4096);
    for (const bad of ['0', '-1', 'lots', '10000000000'])
      expect(() => monitorConfig({ SHARD_THRESHOLD_BYTES: bad })).toThrow(InvalidMonitorConfigError);
  });
});
