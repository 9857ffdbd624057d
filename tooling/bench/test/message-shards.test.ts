import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { testClock } from '@waddle/clock/test-clock';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { getShardedMessagePage } from '@waddle/queries/shards/sharded-message-page';
import { shardedWaddle, shardIndexOf } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitIntoShards } from '../src/message-shard-split.ts';
import { measureMessageShards, shardCaseParameters } from '../src/message-shards-bench.ts';
import { shardResults } from '../src/shard-results.ts';
import { buildSyntheticWaddle, DEFAULT_SHAPE } from '../src/synthetic-waddle.ts';

/** The benchmark's waddle at a small size: the same generator, distributions and triggers. */
const SHAPE = { ...DEFAULT_SHAPE, messages: 3000, channels: 6, threads: 60, authors: 40, threadsInBusiestChannel: 20 };

let directory: string;
let source: string;
beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'waddle-bench-shards-'));
  source = join(directory, 'synthetic.sqlite');
  await buildSyntheticWaddle(source, { ...SHAPE, now: testClock().now() }, () => {});
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const rows = <T>(file: string, query: string): T[] => {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return db.prepare(query).all() as T[];
  } finally {
    db.close();
  }
};

describe('the benchmark over message shards', () => {
  it('splits the waddle by id ranges as switches leave it: every message in one shard, skeletons, continued sequences', () => {
    const split = splitIntoShards(source, 3, () => {});
    const all = rows<{ id: number; channel_id: number }>(source, 'SELECT id, channel_id FROM messages ORDER BY id');
    const held = split.files.map((file) => rows<{ id: number }>(file, 'SELECT id FROM messages ORDER BY id').map((m) => m.id));

    expect(held.flat()).toEqual(all.map((m) => m.id));
    expect(split.firstMessageIds[0]).toBe(1);
    for (const [k, ids] of held.entries()) {
      expect(ids[0]).toBeGreaterThanOrEqual(split.firstMessageIds[k]!);
      if (k < held.length - 1) {
        expect(ids.at(-1)).toBeLessThan(split.firstMessageIds[k + 1]!);
        // Its sequence ends where the next range starts, as the switch left it.
        expect(rows<{ seq: number }>(split.files[k]!, "SELECT seq FROM sqlite_sequence WHERE name = 'messages'")).toEqual([
          { seq: split.firstMessageIds[k + 1]! - 1 },
        ]);
      }
      const indexed = rows<{ n: number }>(split.files[k]!, 'SELECT count(*) AS n FROM messages_fts')[0]!.n;
      const live = rows<{ n: number }>(split.files[k]!, 'SELECT count(*) AS n FROM messages WHERE content IS NOT NULL')[0]!.n;
      expect(indexed).toBe(live);
    }
    for (const file of split.files.slice(1)) {
      expect(rows(file, 'SELECT * FROM read_states')).toEqual([]);
      expect(rows(file, 'SELECT id FROM channels WHERE category_id IS NOT NULL')).toEqual([]);
      expect(rows(file, 'SELECT id FROM channels WHERE id NOT IN (SELECT channel_id FROM messages)')).toEqual([]);
      expect(rows(file, 'SELECT id FROM threads WHERE id NOT IN (SELECT thread_id FROM messages WHERE thread_id IS NOT NULL)')).toEqual([]);
    }
  });

  it("straddles two shards with the boundary case's page", async () => {
    const split = splitIntoShards(source, 3, () => {});
    const parameters = shardCaseParameters(split);
    const databases = split.files.map((file) => openNodeSqliteDatabase(file, { readOnly: true }));
    try {
      const [primary, ...later] = databases.map((db) => openWaddleDatabase(db));
      const sharded = shardedWaddle(
        primary!,
        later.map((waddle, i) => ({ firstMessageId: split.firstMessageIds[i + 1]!, waddle })),
      );
      const page = await getShardedMessagePage(
        sharded,
        { channelId: parameters.channelId },
        { anchor: parameters.boundaryAnchorId, before: 49, viewerId: parameters.viewerId },
      );
      expect(page.messages).toHaveLength(50);
      expect(new Set(page.messages.map((m) => shardIndexOf(sharded, m.id)))).toEqual(new Set([1, 2]));
    } finally {
      for (const db of databases) db.close();
    }
  });

  it('measures every shards.* key through local D1, with nothing lost', async () => {
    const measured = await measureMessageShards(source, directory, 3, () => {});
    const results = shardResults(measured, { messages: SHAPE.messages, optimizeMs: 1000 }, 418.4);

    expect(results['shards.count']).toBe(3);
    expect(results['shards.messages'].reduce((a, b) => a + b, 0)).toBe(SHAPE.messages);
    expect(results['shards.lost']).toBe(0);
    expect(results['shards.erasure_optimize_ms']).toHaveLength(3);
    for (const key of [
      'shards.roundtrip_ms',
      'shards.page_newest_ms',
      'shards.page_boundary_ms',
      'shards.search_recent_ms',
      'shards.search_relevance_ms',
      'shards.switch_ms',
    ] as const)
      expect(Number.isFinite(results[key])).toBe(true);
    expect(results['shards.threshold_messages']).toBe(Math.round(400_000_000 / 418.4));
    expect(results['shards.erasure_optimize_at_threshold_ms']).not.toBeNull();
  });
});
