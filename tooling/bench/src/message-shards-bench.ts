import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { systemClock } from '@waddle/clock/clock';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { Migrator } from '@waddle/migrator/migrator';
import { bundleWorker } from '@waddle/platform/bundle-worker';
import { startLocalMiniflare } from '@waddle/platform/local-miniflare';
import { localTarget } from '@waddle/platform/local-target';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { openMessageShard } from '@waddle/provisioning/open-message-shard';
import { getShardedMessagePage } from '@waddle/queries/shards/sharded-message-page';
import { type ShardedWaddle, shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { type BenchParameters, ERASURE_CALLS } from './bench-cases.ts';
import { BENCH_SHARDS, type ShardSplit, splitIntoShards } from './message-shard-split.ts';
import { SHARD_CASES, type ShardCaseParameters } from './shard-cases.ts';
import { SHARD_BINDINGS, type ShardBenchAnswer, type ShardBenchRequest } from './shard-bench-worker.ts';

/** What the benchmark measures over the synthetic waddle split into message shards (the `shards.*` keys). */
export interface MessageShardMeasures {
  readonly count: number;
  /** Mean ms per call through local D1, the cases timed in alternation in one run. */
  readonly roundtripMs: number;
  readonly pageNewestMs: number;
  readonly pageBoundaryMs: number;
  readonly searchRecentMs: number;
  readonly searchRelevanceMs: number;
  /** Messages of any channel that paging every channel end to end over the shards, older and newer, did not return exactly once. */
  readonly lost: number;
  /** One `openMessageShard` on local D1 (the operator command's path), ms. */
  readonly switchMs: number;
  /** The erasure's page of tombstones and index rewrite on each shard, mean ms, the primary first. */
  readonly erasureOptimizeMs: readonly number[];
  /** Messages in each shard, the primary first. */
  readonly messagesPerShard: readonly number[];
}

/**
 * Splits the synthetic waddle at `source` into {@link BENCH_SHARDS} shards (`splitIntoShards`),
 * pages every channel over them in-process to count what is not returned exactly once, then,
 * through local D1 inside workerd with the shards bound, times the shard cases (`shard-cases.ts`)
 * `calls` times each in alternation and the erasure's index rewrite on each shard; and times one
 * switch (`openMessageShard`) on a fresh local platform.
 *
 * ```sql
 * SELECT count(*) AS count FROM messages;                                  -- each shard
 * SELECT channel_id, count(*) AS n FROM messages GROUP BY channel_id;      -- each shard, for shards.lost
 * -- then the library's page, search and erasure statements, and openMessageShard's
 * ```
 */
export async function measureMessageShards(
  source: string,
  dataDirectory: string,
  calls: number,
  log: (line: string) => void,
): Promise<MessageShardMeasures> {
  const split = splitIntoShards(source, BENCH_SHARDS, log);
  const parameters = shardCaseParameters(split);
  const messagesPerShard = split.files.map((file) => {
    const db = new DatabaseSync(file, { readOnly: true });
    const { count } = db.prepare('SELECT count(*) AS count FROM messages').get() as { count: number };
    db.close();
    return count;
  });
  log(`  ${messagesPerShard.map((n) => n.toLocaleString('en')).join(' + ')} messages, from ids ${split.firstMessageIds.join(', ')}`);
  const lost = await pagedLost(split);
  log(`  lost: ${lost}`);

  const stateDirectory = join(dataDirectory, 'shards-d1-state');
  const script = await bundleWorker(join(import.meta.dirname, 'shard-bench-worker.ts'));
  const bindings = Object.fromEntries(SHARD_BINDINGS.map((binding, k) => [binding, `bench-shard-${k + 1}`]));
  await placeDatabases(stateDirectory, bindings, split.files);
  const miniflare = await startLocalMiniflare(bindings, stateDirectory, script);
  const ask = async (request: ShardBenchRequest) => {
    const response = await miniflare.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify(request) });
    if (!response.ok) throw new Error(`shard bench: ${response.status} ${await response.text()}`);
    return ((await response.json()) as ShardBenchAnswer).totalMs;
  };
  let means: Record<string, number>;
  const erasureOptimizeMs: number[] = [];
  try {
    const totals = await ask({ kind: 'cases', names: SHARD_CASES, calls, firstMessageIds: split.firstMessageIds, parameters });
    means = Object.fromEntries(Object.entries(totals).map(([name, total]) => [name, total / calls]));
    for (const [name, mean] of Object.entries(means)) log(`  ${name}: ${mean.toFixed(3)} ms`);
    const optimizeCalls = Math.min(calls, ERASURE_CALLS);
    for (let shard = 0; shard < split.files.length; shard++) {
      const optimize = await ask({ kind: 'optimize', shard, calls: optimizeCalls, parameters: optimizeParameters(parameters) });
      erasureOptimizeMs.push(optimize.erasure_optimize! / optimizeCalls);
      log(`  erasure_optimize, shard ${shard + 1}: ${erasureOptimizeMs.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await miniflare.dispose();
  }
  const switchMs = await timeOneSwitch(join(dataDirectory, 'shards-switch-state'));
  log(`  switch: ${switchMs.toFixed(0)} ms`);
  return {
    count: split.files.length,
    roundtripMs: means.shards_roundtrip!,
    pageNewestMs: means.shards_page_newest!,
    pageBoundaryMs: means.shards_page_boundary!,
    searchRecentMs: means.shards_search_recent!,
    searchRelevanceMs: means.shards_search_relevance!,
    lost,
    switchMs,
    erasureOptimizeMs,
    messagesPerShard,
  };
}

/**
 * What the shard cases read: channel 1, its oldest message in the newest shard as the boundary
 * anchor, every channel visible, viewer 1. Reads each file once:
 *
 * ```sql
 * SELECT min(id) AS id FROM messages WHERE channel_id = 1;  -- the newest shard
 * SELECT id FROM channels ORDER BY id;                      -- the primary
 * ```
 */
export function shardCaseParameters(split: ShardSplit): ShardCaseParameters {
  const newest = new DatabaseSync(split.files.at(-1)!, { readOnly: true });
  const { id } = newest.prepare('SELECT min(id) AS id FROM messages WHERE channel_id = 1').get() as { id: number };
  newest.close();
  const primary = new DatabaseSync(split.files[0]!, { readOnly: true });
  const channels = primary.prepare('SELECT id FROM channels ORDER BY id').all() as { id: number }[];
  primary.close();
  return { channelId: 1, boundaryAnchorId: id, visibleChannelIds: channels.map((c) => c.id), viewerId: 1 };
}

/** The erasure case reads none of the page parameters: only its tombstone query runs. */
function optimizeParameters(p: ShardCaseParameters): BenchParameters {
  return {
    channelId: p.channelId,
    depth90AnchorId: 0,
    depth90Offset: 0,
    now: 0,
    visibleChannelIds: p.visibleChannelIds,
    viewerId: p.viewerId,
  };
}

/**
 * Pages every channel end to end over the shards (in-process, node:sqlite), from the newest page
 * down with the older cursor and from the oldest page up with the newer one, 100 messages a page,
 * and counts the messages of the shards not returned exactly once in each direction, and pages out of order.
 */
async function pagedLost(split: ShardSplit): Promise<number> {
  const databases = split.files.map((file) => openNodeSqliteDatabase(file, { readOnly: true }));
  try {
    const [primary, ...later] = databases.map((db) => openWaddleDatabase(db));
    const sharded: ShardedWaddle = shardedWaddle(
      primary!,
      later.map((waddle, i) => ({ firstMessageId: split.firstMessageIds[i + 1]!, waddle })),
    );
    const expected = new Map<number, number>();
    for (const db of databases)
      for (const row of db.handle.prepare('SELECT channel_id, count(*) AS n FROM messages GROUP BY channel_id').all() as {
        channel_id: number;
        n: number;
      }[])
        expected.set(row.channel_id, (expected.get(row.channel_id) ?? 0) + row.n);
    let lost = 0;
    for (const [channelId, count] of expected) {
      for (const direction of ['older', 'newer'] as const) {
        const seen = new Set<number>();
        let previous = direction === 'older' ? Number.MAX_SAFE_INTEGER : 0;
        let returned = 0;
        let cursor: string | null = null;
        do {
          const page = await getShardedMessagePage(
            sharded,
            { channelId },
            direction === 'older'
              ? cursor === null
                ? { anchor: 'newest', before: 100, viewerId: 1 }
                : { cursor, before: 100, viewerId: 1 }
              : cursor === null
                ? { anchor: 'oldest', after: 100, viewerId: 1 }
                : { cursor, after: 100, viewerId: 1 },
          );
          const ids = page.messages.map((m) => m.id);
          const inOrder = direction === 'older' ? ids.reverse() : ids;
          for (const id of inOrder) {
            if (direction === 'older' ? id >= previous : id <= previous) lost += 1;
            previous = id;
            seen.add(id);
            returned += 1;
          }
          cursor = direction === 'older' ? page.olderCursor : page.foundNewest ? null : page.newerCursor;
        } while (cursor !== null);
        lost += count - seen.size + (returned - seen.size);
      }
    }
    return lost;
  } finally {
    for (const db of databases) db.close();
  }
}

/**
 * Each local D1 database of `bindings` replaced by its file: Miniflare keeps a database as one
 * SQLite file named after its id, so each is created alone once (its file is the one that
 * appears), then swapped while no runtime holds it.
 */
async function placeDatabases(stateDirectory: string, bindings: Readonly<Record<string, string>>, files: readonly string[]): Promise<void> {
  rmSync(stateDirectory, { recursive: true, force: true });
  const folder = join(stateDirectory, 'd1', 'miniflare-D1DatabaseObject');
  const entries = Object.entries(bindings);
  for (const [k, [binding, id]] of entries.entries()) {
    const before = new Set(readdirSafe(folder));
    const creating = await startLocalMiniflare({ [binding]: id }, stateDirectory);
    await (await creating.getD1Database(binding)).prepare('SELECT 1').all();
    await creating.dispose();
    const file = readdirSafe(folder).find((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite' && !before.has(name));
    if (!file) throw new Error(`no new D1 database file in ${folder} for ${binding}`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(folder, `${file}${suffix}`), { force: true });
    copyFileSync(files[k]!, join(folder, file));
  }
}

function readdirSafe(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/**
 * One switch of a fresh waddle on a fresh local platform (`localTarget`), timed alone: the
 * databases are opened first in one workerd, as `tooling/platform/test/message-shard-switch.test.ts`
 * does, so the figure is the switch's statements, not workerd's start. Milliseconds.
 */
async function timeOneSwitch(stateDirectory: string): Promise<number> {
  rmSync(stateDirectory, { recursive: true, force: true });
  mkdirSync(stateDirectory, { recursive: true });
  const local = localTarget(stateDirectory);
  const setup = await local.open([local.centralDatabaseId]);
  let waddle: { waddleId: number; d1DatabaseId: string };
  try {
    const central = setup.get(local.centralDatabaseId);
    const { error } = await new Migrator({ database: central, migrations: centralMigrations }).migrateToLatest();
    if (error) throw error;
    await central.prepare("INSERT INTO users (id, username) VALUES (1, 'bench')").run();
    waddle = await createWaddle(central, local, { name: 'switched', displayName: 'Switched', ownerId: 1 }, { clock: systemClock });
  } finally {
    await setup.dispose();
  }
  const shard = `local-waddle-${waddle.waddleId}-shard-2`;
  const shared = await local.open([local.centralDatabaseId, waddle.d1DatabaseId, shard]);
  try {
    const target: DatabaseTarget = {
      ...local,
      createDatabase: async (name) => `local-${name}`,
      open: async () => ({ get: (id) => shared.get(id), dispose: async () => {} }),
    };
    const central = shared.get(local.centralDatabaseId);
    const started = performance.now();
    await openMessageShard(central, target, waddle.waddleId, waddle.d1DatabaseId, { clock: systemClock, holder: 'bench' });
    return performance.now() - started;
  } finally {
    await shared.dispose();
  }
}
