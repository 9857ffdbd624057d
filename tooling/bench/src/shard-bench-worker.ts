import { shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { type BenchParameters, benchCase, warmUpCalls } from './bench-cases.ts';
import { type ShardCase, type ShardCaseParameters, shardCase } from './shard-cases.ts';
import { warmUp } from './warm-up.ts';

/** The shards' bindings, the primary first. */
export const SHARD_BINDINGS = ['SHARD_1', 'SHARD_2', 'SHARD_3'] as const;

/** What the command asks: the shard cases timed together, `calls` each in alternation, or the index rewrite of one shard. */
export type ShardBenchRequest =
  | {
      readonly kind: 'cases';
      readonly names: readonly ShardCase[];
      readonly calls: number;
      readonly firstMessageIds: readonly number[];
      readonly parameters: ShardCaseParameters;
    }
  | { readonly kind: 'optimize'; readonly shard: number; readonly calls: number; readonly parameters: BenchParameters };

/** Milliseconds spent in each case over its calls. */
export interface ShardBenchAnswer {
  readonly totalMs: Readonly<Record<string, number>>;
}

type Env = Record<(typeof SHARD_BINDINGS)[number], D1Database>;

/**
 * The Worker that times the shard cases inside workerd against the three shard bindings, as
 * `bench-worker.ts` does for one database: each case warmed up, then called in turn, one call each
 * per round. `optimize` times the erasure's page of tombstones and index rewrite (`erasure_optimize`)
 * on one shard.
 */
export default {
  async fetch(request, env) {
    const asked = (await request.json()) as ShardBenchRequest;
    const shards = SHARD_BINDINGS.map((binding) => openWaddleDatabase(env[binding]));
    const cases =
      asked.kind === 'optimize'
        ? [{ name: 'erasure_optimize', call: benchCase('erasure_optimize', shards[asked.shard]!, asked.parameters), warm: 1, totalMs: 0 }]
        : asked.names.map((name) => {
            const sharded = shardedWaddle(
              shards[0]!,
              shards.slice(1).map((waddle, i) => ({ firstMessageId: asked.firstMessageIds[i + 1]!, waddle })),
            );
            // Warmed up as the single database's read cases are.
            const warm = warmUpCalls('roundtrip', asked.calls);
            return { name: name as string, call: shardCase(name, sharded, asked.parameters), warm, totalMs: 0 };
          });
    for (const { call, warm } of cases) await warmUp(call, warm);
    for (let round = 0; round < asked.calls; round++) {
      for (const timed of cases) {
        const started = performance.now();
        await timed.call();
        timed.totalMs += performance.now() - started;
      }
    }
    return Response.json({ totalMs: Object.fromEntries(cases.map(({ name, totalMs }) => [name, totalMs])) } satisfies ShardBenchAnswer);
  },
} satisfies ExportedHandler<Env>;
