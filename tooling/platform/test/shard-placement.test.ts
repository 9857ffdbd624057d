import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import { openMessageShard, SHARD_SWITCH_STEPS, type ShardSwitchStep } from '@waddle/provisioning/open-message-shard';
import { postShardedMessage } from '@waddle/queries/shards/post-sharded-message';
import { getShardedMessagePage } from '@waddle/queries/shards/sharded-message-page';
import { type ShardedWaddle, shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { readMessageShardMap, servingShards } from '@waddle/registry/message-shard-map';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlicePlacementPlatform, startSlicePlacementPlatform } from './slice-platform-fixture.ts';

const TOKEN = 'shard-placement-token';
const OWNER = 7;
/** Three databases a slice, so that the primary and five shards fill two slices. */
const CAPACITY = 3;
const LATEST = waddleMigrations.at(-1)?.name ?? null;
const clock = testClock();

/** Its target is the remote one, as the monitor and `waddle shard open --target remote` configure it. */
let platform: SlicePlacementPlatform;
let waddleId: number;

beforeAll(async () => {
  platform = await startSlicePlacementPlatform({ token: TOKEN, users: { [OWNER]: 'founder' }, clock: clock.now, capacity: CAPACITY });
  const { central, target, slices } = platform;
  const created = await createWaddle(central, target, { name: 'colony', displayName: 'Colony', ownerId: OWNER }, { clock: clock.now });
  waddleId = created.waddleId;
  await openWaddleDatabase(sliceD1Database(slices.dispatcher, { slice: created.slice!, database: created.d1DatabaseId }))
    .db.insertInto('channels')
    .values({ id: 1, name: 'general', created_by: OWNER })
    .execute();
});

afterAll(async () => {
  await platform?.close();
});

/** The waddle as the API sees it: every serving shard of the directory's map, each reached through its slice. */
async function throughSlices(): Promise<ShardedWaddle> {
  const [primary, ...later] = servingShards((await readMessageShardMap(platform.central, waddleId))!);
  const reach = (shard: { slice: string | null; d1DatabaseId: string }) => {
    if (!shard.slice) throw new Error(`${shard.d1DatabaseId} is in no slice`);
    return openWaddleDatabase(sliceD1Database(platform.slices.dispatcher, { slice: shard.slice, database: shard.d1DatabaseId }));
  };
  return shardedWaddle(
    reach(primary!),
    later.map((shard) => ({ firstMessageId: shard.firstMessageId, waddle: reach(shard) })),
  );
}

/** Every database of the directory, with its slice, binding and schema version. */
async function directory() {
  const { results } = await platform.central
    .prepare('SELECT d1_database_id, slice, binding, schema_version, message_state FROM databases ORDER BY id')
    .all<{
      d1_database_id: string;
      slice: string | null;
      binding: string | null;
      schema_version: string | null;
      message_state: string | null;
    }>();
  return results;
}

describe('a message shard switch on a target with binding slices (local API with its rate limit on, real workerd)', () => {
  const posted: string[] = [];

  it.each(SHARD_SWITCH_STEPS)(
    'places the new shard in a slice with room; killed after "%s" and resumed, the shard is bound once and served through its slice with 0 REST queries',
    async (dying) => {
      const replacing = servingShards((await readMessageShardMap(platform.central, waddleId))!).at(-1)!.d1DatabaseId;
      const died = new Error(`died after ${dying}`);
      const dies = (step: ShardSwitchStep) => {
        if (step === dying) throw died;
      };
      await expect(
        openMessageShard(platform.central, platform.target, waddleId, replacing, { clock: clock.now, holder: 'first', afterStep: dies }),
      ).rejects.toBe(died);
      const shard = await openMessageShard(platform.central, platform.target, waddleId, replacing, { clock: clock.now, holder: 'second' });

      // Each database of the directory is in exactly one slice, bound once, as the directory places it.
      const rows = await directory();
      const bound = Object.entries(platform.localApi.slices()).flatMap(([slice, ids]) => ids.map((id) => `${slice} ${id}`));
      expect(bound.toSorted()).toEqual(rows.map((row) => `${row.slice} ${row.d1_database_id}`).toSorted());
      const row = rows.find((r) => r.d1_database_id === shard.d1DatabaseId);
      expect(row).toMatchObject({ binding: sliceBindingName(shard.d1DatabaseId), schema_version: LATEST, message_state: 'active' });
      expect(row?.slice).toMatch(/^slice-000[12]$/);

      // Posts land in the new shard, and every message reads back through the slices, oldest first, once each.
      const content = `after the switch killed at ${dying}`;
      const message = await postShardedMessage(await throughSlices(), { channelId: 1, authorId: OWNER, content, createdAt: clock.now() });
      posted.push(content);
      expect(message.id).toBeGreaterThanOrEqual(shard.firstMessageId);
      const page = await getShardedMessagePage(await throughSlices(), { channelId: 1 }, { anchor: 'oldest', after: 50, viewerId: OWNER });
      expect(page.messages.map((m) => m.content)).toEqual(posted);
      // The data path and the switch sent no statement over REST; nothing was refused.
      expect(platform.localApi.restCalls()).toMatchObject({ query: 0, refused: 0 });
    },
  );

  it('killed between uploading the slice and recording it, the resumed switch places the shard once, in that slice', async () => {
    const replacing = servingShards((await readMessageShardMap(platform.central, waddleId))!).at(-1)!.d1DatabaseId;
    // The central database as the switch sees it: the write of the new shard's slice dies once, after the upload.
    let armed = true;
    const dying: D1DatabaseLike = new Proxy(platform.central, {
      get: (database, key) =>
        key === 'prepare'
          ? (query: string) => {
              if (armed && /^update "databases" set "slice"/.test(query)) {
                armed = false;
                throw new Error('died after the upload');
              }
              return database.prepare(query);
            }
          : Reflect.get(database, key),
    });
    await expect(openMessageShard(dying, platform.target, waddleId, replacing, { clock: clock.now, holder: 'first' })).rejects.toThrow(
      'died after the upload',
    );
    const opening = (await directory()).at(-1)!;
    expect(opening).toMatchObject({ slice: null, message_state: 'opening' });
    // The upload happened: slice-0003 (the first two are full) binds the shard, which the directory does not place yet.
    expect(platform.localApi.slices()['slice-0003']).toEqual([opening.d1_database_id]);

    const shard = await openMessageShard(platform.central, platform.target, waddleId, replacing, { clock: clock.now, holder: 'second' });
    expect(shard.d1DatabaseId).toBe(opening.d1_database_id);
    expect(platform.localApi.slices()['slice-0003']).toEqual([shard.d1DatabaseId]);
    expect((await directory()).at(-1)).toMatchObject({
      slice: 'slice-0003',
      binding: sliceBindingName(shard.d1DatabaseId),
      schema_version: LATEST,
    });
    const content = 'after the switch killed between upload and row';
    await postShardedMessage(await throughSlices(), { channelId: 1, authorId: OWNER, content, createdAt: clock.now() });
    posted.push(content);
    const page = await getShardedMessagePage(await throughSlices(), { channelId: 1 }, { anchor: 'oldest', after: 50, viewerId: OWNER });
    expect(page.messages.map((m) => m.content)).toEqual(posted);
    expect(platform.localApi.restCalls()).toMatchObject({ query: 0, refused: 0 });
  });

  it('fills slices as provisioning does: the primary and six shards, three to a slice', async () => {
    const bySlice = Object.groupBy(await directory(), (row) => row.slice ?? 'none');
    expect(Object.fromEntries(Object.entries(bySlice).map(([slice, rows]) => [slice, rows?.length]))).toEqual({
      'slice-0001': 3,
      'slice-0002': 3,
      'slice-0003': 1,
    });
  });
});
