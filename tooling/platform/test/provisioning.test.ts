import { centralMigrations } from '@waddle/central-schema/migrations';
import { Migrator } from '@waddle/migrator/migrator';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { bindingConnector, restConnector } from '@waddle/registry/database-connectors';
import { createWaddleDatabaseResolver, UnknownWaddleError, UnreachableDatabaseError } from '@waddle/registry/waddle-database-resolver';
import { listAllDatabases } from '@waddle/registry/list-databases';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { testClock } from '@waddle/clock/test-clock';
import { describe, expect, it } from 'vitest';
import { localConnector } from '../src/local/local-connector.ts';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import { localTarget } from '../src/targets/local-target.ts';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { startLocalD1Api } from '../src/local/local-d1-api.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { statementOf } from '@waddle/registry/directory-kysely';

describe('provisioning and the resolver', () => {
  it("creates a waddle's database, migrates and registers it, and the resolver finds it through the registry", async () => {
    const target = localTarget(temporaryStateDirectory());
    const central = await target.open([target.centralDatabaseId]);
    const directory = central.get(target.centralDatabaseId);
    await new Migrator({ database: directory, migrations: centralMigrations }).migrateToLatest();
    await directory.prepare("INSERT INTO users (id, username) VALUES (7, 'founder')").run();

    const clock = testClock();
    const created = await createWaddle(
      directory,
      target,
      { name: 'ice-floe', displayName: 'Ice Floe', ownerId: 7, isPublic: true },
      { clock: clock.now },
    );
    expect(created).toEqual({
      waddleId: 1,
      d1DatabaseId: 'local-waddle-ice-floe',
      schemaVersion: waddleMigrations.at(-1)!.name,
      slice: null,
    });
    expect(await listAllDatabases(directory)).toEqual([
      {
        id: 1,
        role: 'waddle',
        d1_database_id: 'local-waddle-ice-floe',
        slice: null,
        binding: null,
        schema_version: waddleMigrations.at(-1)!.name,
        size_bytes: null,
        size_measured_at: null,
        created_at: clock.now(),
        shard_waddle_id: null,
        first_message_id: null,
        message_state: null,
        updated_at: clock.now(),
        waddle_id: 1,
        waddle_name: 'ice-floe',
      },
    ]);
    expect(await directory.prepare('SELECT name, owner_id, is_public, member_count, primary_database_id FROM waddles').all()).toMatchObject(
      {
        results: [{ name: 'ice-floe', owner_id: 7, is_public: 1, member_count: 1, primary_database_id: 1 }],
      },
    );

    for (const [name, reason] of [
      ['ice-floe', 'name-taken'],
      ['Ice Floe', 'invalid-name'],
      ['x', 'invalid-name'],
    ] as const) {
      await expect(createWaddle(directory, target, { name, displayName: 'x', ownerId: 7 })).rejects.toMatchObject({ reason });
    }
    expect((await directory.prepare('SELECT count(*) AS n FROM waddles').first<{ n: number }>())?.n).toBe(1);
    expect((await listAllDatabases(directory)).map((d) => d.d1_database_id)).toEqual(['local-waddle-ice-floe']);
    await central.dispose();

    const opened = await target.open([target.centralDatabaseId, created.d1DatabaseId]);
    try {
      const resolver = createWaddleDatabaseResolver(opened.get(target.centralDatabaseId), [bindingConnector({}), localConnector(opened)]);
      const waddle = openWaddleDatabase(await resolver.resolve(created.waddleId));
      await waddle.db.insertInto('channels').values({ id: 1, name: 'general', created_by: 7 }).execute();
      expect((await postMessage(waddle, { channelId: 1, authorId: 7, content: 'first!', createdAt: Date.now() })).id).toBe(1);
      await expect(resolver.resolve(99)).rejects.toBeInstanceOf(UnknownWaddleError);
    } finally {
      await opened.dispose();
    }
  });

  it("prefers a Worker's static binding named by the registry, and says when nothing reaches a database", async () => {
    const target = localTarget(temporaryStateDirectory());
    const opened = await target.open([target.centralDatabaseId, 'bound-db']);
    try {
      const directory = opened.get(target.centralDatabaseId);
      await new Migrator({ database: directory, migrations: centralMigrations }).migrateToLatest();
      await directory.batch([
        directory.prepare("INSERT INTO users (id, username) VALUES (1, 'owner')"),
        statementOf(
          directory,
          registerDatabaseQuery({ role: 'waddle', d1DatabaseId: 'bound-db', binding: 'WADDLE_BOUND', schemaVersion: null }, 0),
        ),
        directory.prepare(
          "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (1, 'bound', 'B', 1, 'bound-db', (SELECT id FROM databases WHERE d1_database_id = 'bound-db'))",
        ),
        // In the directory, but no connector of this test reaches it.
        statementOf(directory, registerDatabaseQuery({ role: 'waddle', d1DatabaseId: 'far-db', schemaVersion: null }, 0)),
        directory.prepare(
          "INSERT INTO waddles (id, name, display_name, owner_id, d1_database_id, primary_database_id) VALUES (2, 'far', 'F', 1, 'far-db', (SELECT id FROM databases WHERE d1_database_id = 'far-db'))",
        ),
      ]);
      const bound = opened.get('bound-db');
      const resolver = createWaddleDatabaseResolver(directory, [bindingConnector({ WADDLE_BOUND: bound })]);
      expect(await resolver.resolve(1)).toBe(bound);
      await expect(resolver.resolve(2)).rejects.toBeInstanceOf(UnreachableDatabaseError);
    } finally {
      await opened.dispose();
    }
  });

  it('provisions on the remote target through the local D1 REST API, and resolves over HTTP', async () => {
    const stateDirectory = temporaryStateDirectory();
    const local = localTarget(stateDirectory);
    const seeded = await local.open([local.centralDatabaseId]);
    await new Migrator({ database: seeded.get(local.centralDatabaseId), migrations: centralMigrations }).migrateToLatest();
    await seeded.get(local.centralDatabaseId).prepare("INSERT INTO users (id, username) VALUES (3, 'remote-owner')").run();
    await seeded.dispose();

    const api = { accountId: 'acc', apiToken: 'token' };
    const localApi = await startLocalD1Api({ stateDirectory, ...api });
    try {
      expect(localApi.databaseIds()).toEqual([local.centralDatabaseId]);
      const cloudflare = { baseUrl: localApi.baseUrl, ...api };
      const target = remoteTarget(cloudflare, local.centralDatabaseId);
      const central = (await target.open([target.centralDatabaseId])).get(target.centralDatabaseId);
      const created = await createWaddle(central, target, { name: 'far-away', displayName: 'Far Away', ownerId: 3 });
      expect(localApi.databaseIds()).toEqual([local.centralDatabaseId, created.d1DatabaseId]);
      const resolver = createWaddleDatabaseResolver(central, [restConnector(cloudflare)]);
      const database = await resolver.resolve(created.waddleId);
      expect((await new Migrator({ database, migrations: waddleMigrations }).getStatus()).pending).toEqual([]);
    } finally {
      await localApi.close();
    }
  });
});
