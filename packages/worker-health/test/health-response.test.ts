import { env, reset } from 'cloudflare:test';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { healthResponse } from '../src/health-response.ts';

const latestCentral = centralMigrations.at(-1)!.name;

beforeEach(async () => {
  await reset();
});

describe('healthResponse', () => {
  it('reports a pending migration on an empty central database', async () => {
    const response = await healthResponse('waddle-test', env.DB);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'migration-pending',
      central: { version: null, latest: latestCentral, pending: centralMigrations.map((m) => m.name) },
      waddle: { latest: waddleMigrations.at(-1)!.name },
    });
  });

  it('reports ok once the central database is migrated', async () => {
    await new Migrator({ database: env.DB, migrations: centralMigrations }).migrateToLatest();
    const response = await healthResponse('waddle-test', env.DB);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', central: { version: latestCentral, pending: [], unknown: [] } });
  });

  it('answers 503 when the central database is newer than this code', async () => {
    const future = {
      name: '9999_add_future_table',
      up: () => [sql`CREATE TABLE future (x INTEGER)`],
      down: () => [sql`DROP TABLE future`],
    };
    await new Migrator({ database: env.DB, migrations: [...centralMigrations, future] }).migrateToLatest();
    const response = await healthResponse('waddle-test', env.DB);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'database-newer-than-code', central: { unknown: ['9999_add_future_table'] } });
  });
});
