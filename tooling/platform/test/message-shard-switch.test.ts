import { centralMigrations } from '@waddle/central-schema/migrations';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget, OpenDatabases } from '@waddle/provisioning/database-target';
import { MessageShardBusyError } from '@waddle/provisioning/message-shard-busy-error';
import { acquireLease } from '@waddle/provisioning/migration-lease';
import { openMessageShard, SHARD_LEASE_TTL_MS, SHARD_SWITCH_STEPS, type ShardSwitchStep } from '@waddle/provisioning/open-message-shard';
import { getMessagePage } from '@waddle/queries/pagination/message-page';
import { postShardedMessage } from '@waddle/queries/shards/post-sharded-message';
import { ShardSealedError } from '@waddle/queries/shards/shard-fence';
import { getShardedMessagePage } from '@waddle/queries/shards/sharded-message-page';
import { type ShardedWaddle, shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { readMessageShardMap, servingShards } from '@waddle/registry/message-shard-map';
import { afterEach, describe, expect, it } from 'vitest';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

const PRIMARY = 'local-waddle-colony';
const SHARDS = ['local-waddle-1-shard-2', 'local-waddle-1-shard-3'];
const clock = testClock();

let opened: OpenDatabases | undefined;
afterEach(async () => {
  await opened?.dispose();
  opened = undefined;
});

/**
 * A waddle `colony` (id 1) on a fresh local target, and one Miniflare over its central database,
 * its primary and the two shards a switch will create (the local target names them
 * `local-<name>`): the switch and the posters share it, as Workers share D1.
 */
async function colony(): Promise<{ central: D1DatabaseLike; target: DatabaseTarget }> {
  const local = localTarget(temporaryStateDirectory());
  const setup = await local.open([local.centralDatabaseId]);
  const central0 = setup.get(local.centralDatabaseId);
  const { error } = await new Migrator({ database: central0, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  await central0.prepare("INSERT INTO users (id, username) VALUES (7, 'founder')").run();
  await setup.dispose();
  const ownCentral = await local.open([local.centralDatabaseId]);
  await createWaddle(
    ownCentral.get(local.centralDatabaseId),
    local,
    { name: 'colony', displayName: 'Colony', ownerId: 7 },
    { clock: clock.now },
  );
  await ownCentral.dispose();

  opened = await local.open([local.centralDatabaseId, PRIMARY, ...SHARDS]);
  const shared = opened;
  const central = shared.get(local.centralDatabaseId);
  await openWaddleDatabase(shared.get(PRIMARY)).db.insertInto('channels').values({ id: 1, name: 'general', created_by: 7 }).execute();
  const target: DatabaseTarget = {
    ...local,
    createDatabase: async (name) => `local-${name}`,
    open: async () => ({ get: (id) => shared.get(id), dispose: async () => {} }),
  };
  return { central, target };
}

/** The waddle as a poster sees it now: the serving shards of the directory's map. */
async function currentWaddle(central: D1DatabaseLike): Promise<ShardedWaddle> {
  const map = (await readMessageShardMap(central, 1))!;
  const [primary, ...later] = servingShards(map);
  return shardedWaddle(
    openWaddleDatabase(opened!.get(primary!.d1DatabaseId)),
    later.map((shard) => ({ firstMessageId: shard.firstMessageId, waddle: openWaddleDatabase(opened!.get(shard.d1DatabaseId)) })),
  );
}

/** Posts as the API would: read the map, post, and when the shard was sealed meanwhile, read the map again. */
async function post(central: D1DatabaseLike, content: string): Promise<number> {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    try {
      const posted = await postShardedMessage(await currentWaddle(central), { channelId: 1, authorId: 7, content, createdAt: clock.now() });
      expect(posted.activityRecorded).toBe(true);
      return posted.id;
    } catch (error) {
      if (!(error instanceof ShardSealedError)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  throw new Error(`${content} was refused a thousand times`);
}

/** Every message of every database of the waddle's map, with where it is. */
async function everyMessage(central: D1DatabaseLike) {
  const rows = [];
  for (const { d1DatabaseId: id } of (await readMessageShardMap(central, 1))!.shards) {
    const { results } = await opened!
      .get(id)
      .prepare('SELECT id, content FROM messages ORDER BY id')
      .all<{ id: number; content: string }>();
    rows.push(...results.map((row) => ({ ...row, database: id })));
  }
  return rows;
}

async function expectWhole(central: D1DatabaseLike, contents: readonly string[]) {
  const map = servingShards((await readMessageShardMap(central, 1))!);
  const messages = await everyMessage(central);
  expect(messages.map((m) => m.content).sort()).toEqual([...contents].sort());
  expect(new Set(messages.map((m) => m.id)).size).toBe(messages.length);
  for (const message of messages) {
    const index = map.findIndex((shard) => shard.d1DatabaseId === message.database);
    expect(message.id).toBeGreaterThanOrEqual(map[index]!.firstMessageId);
    if (map[index + 1]) expect(message.id).toBeLessThan(map[index + 1]!.firstMessageId);
  }
  // Read end to end through the shards, oldest first: every message once, in id order.
  const sharded = await currentWaddle(central);
  const read: number[] = [];
  let page = await getShardedMessagePage(sharded, { channelId: 1 }, { anchor: 'oldest', after: 30, viewerId: 1 });
  read.push(...page.messages.map((m) => m.id));
  while (!page.foundNewest) {
    page = await getShardedMessagePage(sharded, { channelId: 1 }, { cursor: page.newerCursor, after: 30, viewerId: 1 });
    read.push(...page.messages.map((m) => m.id));
  }
  expect(read).toEqual(messages.map((m) => m.id).sort((a, b) => a - b));
  const channel = await sharded.primary.db.selectFrom('channels').select(['message_count', 'last_message_id']).executeTakeFirstOrThrow();
  expect(channel).toEqual({ message_count: contents.length, last_message_id: Math.max(...read) });
}

describe('opening message shards while four clients post', () => {
  it('grows a waddle through three shards under concurrent posts: each message in exactly one shard, in its range, none lost or refused', async () => {
    const { central, target } = await colony();
    const contents: string[] = [];
    let posted = 0;
    let switched = false;
    // Each client posts 40 messages, and goes on until both switches are done and it has posted 3
    // more after them: however fast the machine, the clients are still posting while the third
    // shard opens (a client that had finished its 40 first left that shard empty under load).
    const client = async (n: number) => {
      for (let i = 0, afterSwitches = 0; i < 40 || !switched || afterSwitches < 3; i++) {
        if (switched) afterSwitches += 1;
        const content = `client ${n} message ${i}`;
        contents.push(content);
        await post(central, content);
        posted += 1;
      }
    };
    const switcher = async () => {
      while (posted < 40) await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await openMessageShard(central, target, 1, PRIMARY, { clock: clock.now, holder: 'monitor' });
      while (posted < 100) await new Promise((resolve) => setTimeout(resolve, 5));
      const third = await openMessageShard(central, target, 1, second.d1DatabaseId, { clock: clock.now, holder: 'monitor' });
      switched = true;
      return [second, third];
    };
    const [, , , , opened] = await Promise.all([client(1), client(2), client(3), client(4), switcher()]);
    expect(opened.map((shard) => shard.d1DatabaseId)).toEqual(SHARDS);
    await expectWhole(central, contents);
    expect(servingShards((await readMessageShardMap(central, 1))!).map((s) => s.state)).toEqual(['sealed', 'sealed', 'active']);
    // Each shard holds some of the messages: the switches happened under the posts.
    const byDatabase = Object.groupBy(await everyMessage(central), (m) => m.database);
    expect([PRIMARY, ...SHARDS].map((id) => (byDatabase[id]?.length ?? 0) > 0)).toEqual([true, true, true]);
  });
});

describe('a switch that dies after a step', () => {
  it.each(SHARD_SWITCH_STEPS)(
    'is completed by running it again after it died at "%s", with no message lost, duplicated or refused',
    async (dying) => {
      const { central, target } = await colony();
      const contents = Array.from({ length: 6 }, (_, i) => `before ${i}`);
      for (const content of contents) await post(central, content);

      const died = new Error(`died after ${dying}`);
      const dies = (step: ShardSwitchStep) => {
        if (step === dying) throw died;
      };
      await expect(openMessageShard(central, target, 1, PRIMARY, { clock: clock.now, holder: 'first', afterStep: dies })).rejects.toBe(
        died,
      );
      // A process killed at that point keeps its lease until it expires: so does this one.
      expect(await acquireLease(central, 'shard:1', 'first', SHARD_LEASE_TTL_MS, clock.now())).toBe(true);
      await expect(openMessageShard(central, target, 1, PRIMARY, { clock: clock.now, holder: 'second' })).rejects.toThrow(
        MessageShardBusyError,
      );

      clock.advance(SHARD_LEASE_TTL_MS);
      const steps: ShardSwitchStep[] = [];
      const resumed = await openMessageShard(central, target, 1, PRIMARY, {
        clock: clock.now,
        holder: 'second',
        afterStep: (s) => void steps.push(s),
      });
      expect(resumed.d1DatabaseId).toBe(SHARDS[0]);
      // Every step after the creation is idempotent and runs again; a switch that got to the end is simply done.
      expect(steps).toEqual(dying === 'activated' ? [] : ['migrated', 'sealed', 'continued', 'activated']);
      // Run once more: it is done, and it says so without opening another shard.
      expect(await openMessageShard(central, target, 1, PRIMARY, { clock: clock.now, holder: 'third' })).toEqual(resumed);

      const after = Array.from({ length: 6 }, (_, i) => `after ${i}`);
      for (const content of after) await post(central, content);
      await expectWhole(central, [...contents, ...after]);
      const newest = await getMessagePage(
        openWaddleDatabase(opened!.get(SHARDS[0]!)),
        { channelId: 1 },
        { anchor: 'newest', before: 10, viewerId: 1 },
      );
      expect(newest.messages.map((m) => m.content)).toEqual(after);
    },
  );
});
