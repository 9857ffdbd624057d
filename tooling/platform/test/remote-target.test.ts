import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it } from 'vitest';
import { migrateCommand } from '../src/commands/migrate.ts';
import { migrateAll } from '@waddle/provisioning/migrate-all';
import { localTarget } from '../src/targets/local-target.ts';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { D1RestError, restD1Database } from '@waddle/d1/rest';
import { startLocalD1Api } from '../src/local/local-d1-api.ts';
import { inspect, seedRegistry, temporaryStateDirectory } from './registry-fixture.ts';

const latest = waddleMigrations.map((m) => m.name);
const ACCOUNT = 'acc0123456789';
const TOKEN = 'test-token';

describe('the remote target, against the local D1 REST API', () => {
  it('migrates and reports the way the local target does, and names an unreachable database', async () => {
    const stateDirectory = temporaryStateDirectory();
    const local = localTarget(stateDirectory);
    const waddles = await seedRegistry(local, 12);
    // One waddle's database is not served by the API (deleted, or in another account).
    const unreachable = waddles[5]!;
    const localApi = await startLocalD1Api({
      stateDirectory,
      accountId: ACCOUNT,
      apiToken: TOKEN,
      databaseIds: [local.centralDatabaseId, ...waddles.filter((w) => w !== unreachable).map((w) => w.d1DatabaseId)],
    });
    try {
      const target = remoteTarget({ baseUrl: localApi.baseUrl, accountId: ACCOUNT, apiToken: TOKEN }, local.centralDatabaseId);
      const lines: string[] = [];
      const exitCode = await migrateCommand(
        ['--concurrency', '3', '--target', 'remote'],
        { out: (l) => lines.push(l), err: (l) => lines.push(l), progress: () => {}, isTerminal: false },
        target,
      );
      expect(exitCode).toBe(1);
      expect(lines).toContain(
        `FAILED waddle ${unreachable.name} (${unreachable.d1DatabaseId}): D1 REST API 404: The database ${unreachable.d1DatabaseId} could not be found`,
      );
      expect(lines.some((l) => l.includes('on the remote target'))).toBe(true);

      const rerun = await migrateAll({ target });
      expect(rerun.outcomes.filter((o) => o.status !== 'up-to-date').map((o) => o.database)).toEqual([`waddle ${unreachable.name}`]);
    } finally {
      await localApi.close();
    }
    const { recorded } = await inspect(local, waddles);
    for (const waddle of waddles) {
      expect(recorded.get(waddle.name)).toEqual(waddle === unreachable ? latest.slice(0, waddle.applied) : latest);
    }
  });

  it('runs a batch atomically through the API, refuses a wrong token, and creates and deletes databases', async () => {
    const stateDirectory = temporaryStateDirectory();
    const localApi = await startLocalD1Api({ stateDirectory, accountId: ACCOUNT, apiToken: TOKEN, databaseIds: ['db-a'] });
    try {
      const api = { baseUrl: localApi.baseUrl, accountId: ACCOUNT, apiToken: TOKEN };
      const db = restD1Database(api, 'db-a');
      await db.prepare('CREATE TABLE t (x INTEGER NOT NULL)').run();
      await expect(db.batch([db.prepare('INSERT INTO t VALUES (?)').bind(1), db.prepare('INSERT INTO t VALUES (NULL)')])).rejects.toThrow(
        /NOT NULL/,
      );
      expect((await db.prepare('SELECT count(*) AS n FROM t').first<{ n: number }>())?.n).toBe(0);
      const [inserted] = await db.batch([db.prepare('INSERT INTO t VALUES (?)').bind(7)]);
      expect(inserted!.meta.changes).toBe(1);

      await expect(
        restD1Database({ ...api, apiToken: 'wrong' }, 'db-a')
          .prepare('SELECT 1')
          .all(),
      ).rejects.toEqual(new D1RestError(401, 'Authentication error'));
      const target = remoteTarget(api, 'central');
      const created = await target.createDatabase('waddle-new');
      expect(created).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect((await restD1Database(api, created).prepare('SELECT 1 AS one').first<{ one: number }>())?.one).toBe(1);

      await target.deleteDatabase(created);
      const notFound = new D1RestError(404, `The database ${created} could not be found`);
      await expect(restD1Database(api, created).prepare('SELECT 1').all()).rejects.toEqual(notFound);
      await expect(target.deleteDatabase(created)).rejects.toEqual(notFound);
    } finally {
      await localApi.close();
    }
  });
});
