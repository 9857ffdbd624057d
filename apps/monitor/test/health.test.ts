import { env, exports } from 'cloudflare:workers';
import { reset } from 'cloudflare:test';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';

const latestCentral = centralMigrations.at(-1)!.name;

beforeEach(async () => {
  await reset();
});

describe('GET /health', () => {
  it('reports a pending migration on an empty central database', async () => {
    const response = await exports.default.fetch('http://waddle/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'migration-pending',
      central: { version: null, latest: latestCentral, pending: centralMigrations.map((m) => m.name) },
      waddle: { latest: waddleMigrations.at(-1)!.name },
    });
  });

  it('reports ok once the central database is migrated', async () => {
    await new Migrator({ database: env.CENTRAL_DB, migrations: centralMigrations }).migrateToLatest();
    const response = await exports.default.fetch('http://waddle/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', central: { version: latestCentral, pending: [], unknown: [] } });
  });

  it('answers 503 when the central database is newer than this code', async () => {
    const future = { name: '9999_add_future_table', up: () => [sql`CREATE TABLE future (x INTEGER)`], down: () => [sql`DROP TABLE future`] };
    await new Migrator({ database: env.CENTRAL_DB, migrations: [...centralMigrations, future] }).migrateToLatest();
    const response = await exports.default.fetch('http://waddle/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: 'database-newer-than-code', central: { unknown: ['9999_add_future_table'] } });
  });

  it('answers unknown routes and methods with a JSON error', async () => {
    const missing = await exports.default.fetch('http://waddle/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
    const wrongMethod = await exports.default.fetch('http://waddle/health', { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
  });
});
