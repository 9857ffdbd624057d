import { env } from 'cloudflare:workers';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { D1_QUERIES_PER_INVOCATION } from '../src/config/monitor-config.ts';
import { databasesPerSamplingTick, samplingTickQueryCost } from '../src/sampling/sampling-plan.ts';
import { runSamplingTick } from '../src/sampling/sampling-tick.ts';
import { configWith, freshPlatform, tallied, testDependencies } from './monitored-platform.ts';

const REGISTRY_SIZE = 3000;

/** Every D1 statement the ticks send, tallied by the test itself. */
const tally = { statements: 0 };

/** Registry rows of the synthetic waddles carry no binding; this connector, the test's, reaches them (all on one real local D1). */
const syntheticConnector: DatabaseConnector = ({ d1DatabaseId }) =>
  d1DatabaseId.startsWith('synthetic-') ? tallied(env.WADDLE_KRILL, tally) : undefined;

describe('a registry of 3,000 databases', () => {
  it('is covered within the planned number of ticks, each under the query budget, every database sampled once', async () => {
    const central = await freshPlatform();
    // Each waddle as provisioning registers it: its database in the directory, then the waddle pointing at it.
    await sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${REGISTRY_SIZE})
      INSERT INTO databases (role, d1_database_id, created_at, updated_at) SELECT 'waddle', 'synthetic-' || i, 0, 0 FROM n`.execute(
      central.db,
    );
    await sql`INSERT INTO waddles (name, display_name, owner_id, d1_database_id, primary_database_id)
      SELECT 'w' || substr(d1_database_id, 11), 'W', 1, d1_database_id, id FROM databases WHERE d1_database_id GLOB 'synthetic-*'`.execute(
      central.db,
    );
    const config = configWith({ maxQueriesPerTick: 900 });
    const perTick = databasesPerSamplingTick(config.maxQueriesPerTick);
    expect(samplingTickQueryCost(perTick)).toBeLessThanOrEqual(900);
    const { dependencies, clock } = testDependencies({ extra: [syntheticConnector] });

    const queries: number[] = [];
    let ticks = 0;
    do {
      clock.advance(300_000);
      tally.statements = 0;
      const report = await runSamplingTick(tallied(env.CENTRAL_DB, tally), dependencies, config);
      expect(report.failed).toEqual([]);
      expect(report.queries).toBe(tally.statements);
      queries.push(report.queries);
      ticks += 1;
      if (report.nextCursor === 0) break;
    } while (ticks < 100);

    expect(ticks).toBe(Math.ceil(REGISTRY_SIZE / perTick));
    expect(Math.max(...queries)).toBeLessThanOrEqual(config.maxQueriesPerTick);
    expect(Math.max(...queries)).toBeLessThan(D1_QUERIES_PER_INVOCATION);
    const coverage = await central.db
      .selectFrom('size_samples')
      .select((eb) => [eb.fn.countAll<number>().as('samples'), eb.fn.count<number>('d1_database_id').distinct().as('databases')])
      .where('d1_database_id', 'like', 'synthetic-%')
      .executeTakeFirstOrThrow();
    expect(coverage).toEqual({ samples: REGISTRY_SIZE, databases: REGISTRY_SIZE });
    const directory = await central.db
      .selectFrom('databases')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('d1_database_id', 'like', 'synthetic-%')
      .where('size_measured_at', 'is', null)
      .executeTakeFirstOrThrow();
    expect(directory.n).toBe(0);

    clock.advance(300_000);
    const nextPass = await runSamplingTick(env.CENTRAL_DB, dependencies, config);
    expect(nextPass.measured.slice(0, 3).map((m) => m.d1DatabaseId)).toEqual(['local-central', 'synthetic-1', 'synthetic-2']);
  });
});
