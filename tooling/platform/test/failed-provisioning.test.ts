import { existsSync } from 'node:fs';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { type CloudflareApi, cloudflareRequest, D1RestError } from '@waddle/d1/rest';
import { Migrator } from '@waddle/migrator/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDatabaseFile } from '../src/local/local-database-file.ts';
import { type LocalD1Api, startLocalD1Api } from '../src/local/local-d1-api.ts';
import { createWaddle, type ProvisionedWaddle, WaddleProvisioningError } from '@waddle/provisioning/create-waddle';
import { OrphanedDatabaseError } from '@waddle/provisioning/orphaned-database-error';
import type { DatabaseTarget, OpenDatabases } from '@waddle/provisioning/database-target';
import { localTarget } from '../src/targets/local-target.ts';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { temporaryStateDirectory } from './registry-fixture.ts';

const OWNER = 7;

/** A target that records the databases it creates. */
type RecordingTarget = DatabaseTarget & { readonly created: string[] };

/**
 * The target, but each creation waits until `count` of them have been asked for: every racing
 * provisioning has passed the name check before any creates its database, let alone registers it.
 */
function racingTarget(target: DatabaseTarget, count: number): RecordingTarget {
  const created: string[] = [];
  let arrived = 0;
  let release!: () => void;
  const allArrived = new Promise<void>((resolve) => (release = resolve));
  return {
    ...target,
    created,
    createDatabase: async (name) => {
      arrived += 1;
      if (arrived === count) release();
      await allArrived;
      const databaseId = await target.createDatabase(name);
      created.push(databaseId);
      return databaseId;
    },
  };
}

/** The target, but every database it creates already holds a `categories` table, on which the first waddle migration fails. */
function occupiedDatabaseTarget(target: DatabaseTarget): RecordingTarget {
  const created: string[] = [];
  return {
    ...target,
    created,
    createDatabase: async (name) => {
      const databaseId = await target.createDatabase(name);
      created.push(databaseId);
      const opened = await target.open([databaseId]);
      try {
        await opened.get(databaseId).prepare('CREATE TABLE categories (id INTEGER PRIMARY KEY)').run();
      } finally {
        await opened.dispose();
      }
      return databaseId;
    },
  };
}

/** Which of a local database's files exist. */
const filesOf = (stateDirectory: string, databaseId: string) =>
  ['', '-wal', '-shm'].map((suffix) => `${localDatabaseFile(stateDirectory, databaseId)}${suffix}`).filter((file) => existsSync(file));

/** A state directory whose central database is migrated and has the owner. */
async function stateWithCentral(): Promise<string> {
  const stateDirectory = temporaryStateDirectory();
  const local = localTarget(stateDirectory);
  const opened = await local.open([local.centralDatabaseId]);
  try {
    const central = opened.get(local.centralDatabaseId);
    const { error } = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
    if (error) throw error;
    await central.prepare('INSERT INTO users (id, username) VALUES (?, ?)').bind(OWNER, 'founder').run();
  } finally {
    await opened.dispose();
  }
  return stateDirectory;
}

/**
 * The waddles, each with its primary database's directory row; it also holds that the directory
 * and the registry match one to one (a failed provisioning leaves neither a waddle nor a row).
 */
const registry = async (central: D1DatabaseLike) => {
  const { results } = await central
    .prepare('SELECT w.name, d.d1_database_id FROM waddles w JOIN databases d ON d.id = w.primary_database_id ORDER BY w.id')
    .all<{ name: string; d1_database_id: string }>();
  const counts = await central
    .prepare('SELECT (SELECT count(*) FROM databases) AS directory, (SELECT count(*) FROM waddles) AS waddles')
    .first();
  expect(counts).toEqual({ directory: results.length, waddles: results.length });
  return results;
};

/** Two provisionings of one name at once: the winner's result and the loser's error. */
async function race(central: D1DatabaseLike, target: DatabaseTarget, name: string): Promise<{ winner: ProvisionedWaddle; loser: unknown }> {
  const outcomes = await Promise.allSettled([0, 1].map(() => createWaddle(central, target, { name, displayName: name, ownerId: OWNER })));
  const won = outcomes.filter((o): o is PromiseFulfilledResult<ProvisionedWaddle> => o.status === 'fulfilled');
  const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
  expect({ won: won.length, lost: lost.length }).toEqual({ won: 1, lost: 1 });
  return { winner: won[0]!.value, loser: lost[0]!.reason };
}

describe('a provisioning that fails after creating its database deletes it (local target)', () => {
  let stateDirectory: string;
  let opened: OpenDatabases;
  let central: D1DatabaseLike;
  const target = () => localTarget(stateDirectory);

  beforeAll(async () => {
    stateDirectory = await stateWithCentral();
    opened = await target().open([target().centralDatabaseId]);
    central = opened.get(target().centralDatabaseId);
  });
  afterAll(() => opened.dispose());

  it('two creations of one name: one waddle, the loser answers name-taken and leaves no database', async () => {
    const racing = racingTarget(target(), 2);
    const { winner, loser } = await race(central, racing, 'ice-floe');
    expect(loser).toBeInstanceOf(WaddleProvisioningError);
    expect(loser).toMatchObject({
      reason: 'name-taken',
      cause: expect.objectContaining({ message: expect.stringContaining('UNIQUE constraint failed: waddles.name') }),
    });

    expect(racing.created.toSorted()).toEqual(['local-waddle-ice-floe', 'local-waddle-ice-floe.2']);
    const loserDatabase = racing.created.find((id) => id !== winner.d1DatabaseId)!;
    expect(await registry(central)).toEqual([{ name: 'ice-floe', d1_database_id: winner.d1DatabaseId }]);
    expect(filesOf(stateDirectory, winner.d1DatabaseId)).not.toEqual([]);
    expect(filesOf(stateDirectory, loserDatabase)).toEqual([]);
  });

  it('a failed migration leaves no database', async () => {
    const occupied = occupiedDatabaseTarget(target());
    const failed = createWaddle(central, occupied, { name: 'half-built', displayName: 'Half built', ownerId: OWNER });
    await expect(failed).rejects.toBeInstanceOf(WaddleProvisioningError);
    await expect(failed).rejects.toMatchObject({
      reason: 'migration-failed',
      message: expect.stringContaining('table "categories" already exists'),
    });
    expect(occupied.created).toEqual(['local-waddle-half-built']);
    expect(filesOf(stateDirectory, 'local-waddle-half-built')).toEqual([]);
    expect((await registry(central)).map((row) => row.name)).not.toContain('half-built');
  });

  it("a registration refused for another reason leaves no database and throws D1's error", async () => {
    const recording = racingTarget(target(), 1);
    await expect(createWaddle(central, recording, { name: 'no-owner', displayName: 'No owner', ownerId: 999 })).rejects.toThrow(
      /FOREIGN KEY constraint failed/,
    );
    expect(recording.created).toEqual(['local-waddle-no-owner']);
    expect(filesOf(stateDirectory, 'local-waddle-no-owner')).toEqual([]);
  });

  it('a registration that committed but whose answer was lost keeps its database and returns the waddle', async () => {
    const answerLost: D1DatabaseLike = {
      prepare: (sql) => central.prepare(sql),
      batch: async (statements) => {
        await central.batch(statements);
        throw new Error('network connection lost');
      },
    };
    const created = await createWaddle(answerLost, target(), { name: 'lucky', displayName: 'Lucky', ownerId: OWNER });
    expect(await registry(central)).toContainEqual({ name: 'lucky', d1_database_id: created.d1DatabaseId });
    expect(await central.prepare('SELECT id FROM waddles WHERE name = ?').bind('lucky').first()).toEqual({ id: created.waddleId });
    expect(filesOf(stateDirectory, created.d1DatabaseId)).not.toEqual([]);
  });

  it('when the database cannot be deleted either, the error names it and keeps the cause', async () => {
    const undeletable: RecordingTarget = {
      ...occupiedDatabaseTarget(target()),
      deleteDatabase: async () => {
        throw new Error('the D1 API is unreachable');
      },
    };
    const failed = await createWaddle(central, undeletable, { name: 'stranded', displayName: 'Stranded', ownerId: OWNER }).catch(
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(OrphanedDatabaseError);
    expect(failed).toMatchObject({
      databaseId: 'local-waddle-stranded',
      message: expect.stringMatching(/^database local-waddle-stranded of waddle stranded is left behind.*the D1 API is unreachable/),
      cause: expect.objectContaining({ reason: 'migration-failed' }),
      cleanupError: new Error('the D1 API is unreachable'),
    });
    // It really is still there, for an operator to delete.
    expect(filesOf(stateDirectory, 'local-waddle-stranded')).not.toEqual([]);
    await target().deleteDatabase('local-waddle-stranded');
  });
});

describe('a provisioning that fails after creating its database deletes it (remote target, through the local D1 REST API)', () => {
  const ACCOUNT = 'acc-provisioning';
  const TOKEN = 'provisioning-token';
  let stateDirectory: string;
  let localApi: LocalD1Api;
  let api: CloudflareApi;
  let target: DatabaseTarget;
  let central: D1DatabaseLike;

  beforeAll(async () => {
    stateDirectory = await stateWithCentral();
    localApi = await startLocalD1Api({ stateDirectory, accountId: ACCOUNT, apiToken: TOKEN });
    api = { baseUrl: localApi.baseUrl, accountId: ACCOUNT, apiToken: TOKEN };
    target = remoteTarget(api, localTarget(stateDirectory).centralDatabaseId);
    central = (await target.open([target.centralDatabaseId])).get(target.centralDatabaseId);
  });
  afterAll(() => localApi.close());

  /** Whether the API still knows the database (`GET …/d1/database/{id}`), and whether its file is still there. */
  const existence = async (databaseId: string) => ({
    served: await cloudflareRequest(api, 'GET', `/d1/database/${databaseId}`).then(
      () => true,
      (error: unknown) => (error instanceof D1RestError && error.status === 404 ? false : Promise.reject(error)),
    ),
    files: filesOf(stateDirectory, databaseId).length > 0,
  });

  it('two creations of one name: one waddle, the loser answers name-taken and its database is deleted through the API', async () => {
    const racing = racingTarget(target, 2);
    const { winner, loser } = await race(central, racing, 'far-away');
    expect(loser).toMatchObject({
      reason: 'name-taken',
      cause: expect.objectContaining({ message: expect.stringContaining('UNIQUE constraint failed: waddles.name') }),
    });

    expect(new Set(racing.created).size).toBe(2);
    const loserDatabase = racing.created.find((id) => id !== winner.d1DatabaseId)!;
    expect(await registry(central)).toEqual([{ name: 'far-away', d1_database_id: winner.d1DatabaseId }]);
    expect(localApi.databaseIds()).toEqual([target.centralDatabaseId, winner.d1DatabaseId]);
    expect(await existence(winner.d1DatabaseId)).toEqual({ served: true, files: true });
    expect(await existence(loserDatabase)).toEqual({ served: false, files: false });
  });

  it('a failed migration leaves no database', async () => {
    const occupied = occupiedDatabaseTarget(target);
    await expect(createWaddle(central, occupied, { name: 'half-built', displayName: 'Half built', ownerId: OWNER })).rejects.toMatchObject({
      reason: 'migration-failed',
    });
    expect(occupied.created).toHaveLength(1);
    expect(await existence(occupied.created[0]!)).toEqual({ served: false, files: false });
    expect(localApi.databaseIds()).not.toContain(occupied.created[0]);
  });
});
