import type { D1DatabaseLike } from '@waddle/d1/database';
import { openDirectoryDatabase } from '@waddle/directory-queries/directory-database';
import { laterMessageShardsColumn, parseLaterMessageShards } from '@waddle/directory-queries/waddles/later-message-shards';
import { findShardedActivityDrift, repairShardedActivityDrift } from '@waddle/queries/shards/sharded-activity-drift';
import { type MessageShard, type ShardedWaddle, shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import type { DriftScan } from '@waddle/queries/threads/activity-drift';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { locationOf } from '@waddle/registry/database-directory-row';
import { reachDatabase } from '@waddle/registry/reach-database';

/**
 * The cron of the drift pass (`triggers.crons` in wrangler.jsonc; `scheduled` compares
 * `controller.cron` with it): minutes 15 and 45, never one of the other cron's (every 10 minutes),
 * so the pass has an invocation's 1,000 queries to itself.
 */
export const SHARD_DRIFT_CRON = '15,45 * * * *';

/** Rows (threads, channels or messages) per drift-check slice. */
const SLICE = 200;

/** Where the pass is: the waddle and the drift check's cursor in it (`shard_drift_cursor`). */
interface DriftCursor {
  readonly waddleId: number;
  readonly next: NonNullable<DriftScan['next']>;
}

/** What one drift pass did. */
export interface ShardedDriftPass {
  /** Waddles whose whole check ended in this pass. */
  readonly completed: readonly number[];
  /** Counters and flags the repair wrote. */
  readonly repaired: number;
  /** Waddles skipped because a database failed (checked again on the next lap). */
  readonly failed: readonly number[];
  /** Where the next pass starts. */
  readonly cursor: DriftCursor;
  /** Statements sent, at most `maxQueries`. */
  readonly queries: number;
}

const START: DriftCursor = { waddleId: 0, next: { kind: 'thread', id: 0 } };

/**
 * The periodic drift pass over sharded waddles (docs/message-shards.md, section 3), on the API's
 * own cron `SHARD_DRIFT_CRON`: catches the counters a post's or deletion's failed second step,
 * an erasure over shards or an interrupted thread move left behind. From the cursor in
 * `shard_drift_cursor` it runs `findShardedActivityDrift` slice by slice (threads, channels, then
 * decoration flags shard by shard) over the waddle it points at, repairs what each slice found
 * with `repairShardedActivityDrift` (compare-and-set, idempotent), then goes on to the next waddle
 * with message shards, until the next slice could pass `maxQueries` (`sliceCost`). It stores the cursor at the end, so the next pass resumes
 * where this one stopped; after the last sharded waddle the next pass starts from the first (a
 * pass that finds itself there before checking anything starts the lap at once). A
 * waddle one of whose databases fails is skipped (reported) and checked on the next lap. A pass
 * that dies before storing its cursor repeats its slices next time: harmless, since the check
 * reads and the repair only sets values still as read.
 *
 * ```sql
 * SELECT waddle_id, next_kind, next_after_id FROM shard_drift_cursor WHERE id = 1;
 * SELECT min(shard_waddle_id) AS id FROM databases WHERE shard_waddle_id >= ? AND message_state IN ('active', 'sealed');  -- databases_message_shards
 * SELECT d.d1_database_id, d.slice, d.binding, (laterMessageShardsColumn) AS message_shards
 *   FROM waddles AS w JOIN databases AS d ON d.id = w.primary_database_id WHERE w.id = ?;
 * -- findShardedActivityDrift / repairShardedActivityDrift, slice by slice
 * INSERT INTO shard_drift_cursor (id, waddle_id, next_kind, next_after_id, updated_at) VALUES (1, ?, ?, ?, ?)
 *   ON CONFLICT (id) DO UPDATE SET waddle_id = excluded.waddle_id, next_kind = excluded.next_kind, next_after_id = excluded.next_after_id, updated_at = excluded.updated_at;
 * ```
 */
export async function checkShardedDrift(
  central: D1DatabaseLike,
  connectors: readonly DatabaseConnector[],
  now: number,
  options: { readonly maxQueries?: number } = {},
): Promise<ShardedDriftPass> {
  const maxQueries = options.maxQueries ?? 400;
  const directory = openDirectoryDatabase(central);
  const stored = await directory.db
    .selectFrom('shard_drift_cursor')
    .select(['waddle_id', 'next_kind', 'next_after_id'])
    .where('id', '=', 1)
    .executeTakeFirst();
  let cursor: DriftCursor = stored ? { waddleId: stored.waddle_id, next: { kind: stored.next_kind, id: stored.next_after_id } } : START;
  let queries = 2;
  let repaired = 0;
  let slices = 0;
  const completed: number[] = [];
  const failed: number[] = [];
  let open: { readonly waddleId: number; readonly sharded: ShardedWaddle } | undefined;

  while (queries + 2 <= maxQueries) {
    if (open?.waddleId !== cursor.waddleId) {
      queries += 2;
      const found = await nextShardedWaddle(central, connectors, cursor.waddleId);
      if (!found) {
        // Past the last sharded waddle: a pass that has checked nothing yet starts the next lap
        // at once; one that has stops here, and the next pass starts from the first.
        const lapAgain = cursor.waddleId > 0 && slices === 0;
        cursor = START;
        if (lapAgain) continue;
        break;
      }
      if (found.waddleId !== cursor.waddleId) cursor = { waddleId: found.waddleId, next: START.next };
      if (!found.sharded) {
        failed.push(found.waddleId);
        cursor = { waddleId: found.waddleId + 1, next: START.next };
        continue;
      }
      open = { waddleId: found.waddleId, sharded: found.sharded };
    }
    const { sharded } = open;
    const cost = sliceCost(sharded, cursor.next.kind);
    if (queries + cost > maxQueries) break;
    queries += cost;
    slices++;
    try {
      const scan = await findShardedActivityDrift(sharded, { after: cursor.next, limit: SLICE });
      if (scan.drift.length > 0) repaired += await repairShardedActivityDrift(sharded, scan.drift);
      if (scan.next) cursor = { waddleId: cursor.waddleId, next: scan.next };
      else {
        completed.push(cursor.waddleId);
        cursor = { waddleId: cursor.waddleId + 1, next: START.next };
      }
    } catch (error) {
      console.log(`drift pass: waddle ${cursor.waddleId} failed: ${error instanceof Error ? error.message : String(error)}`);
      failed.push(cursor.waddleId);
      cursor = { waddleId: cursor.waddleId + 1, next: START.next };
    }
  }
  await directory.db
    .insertInto('shard_drift_cursor')
    .values({ id: 1, waddle_id: cursor.waddleId, next_kind: cursor.next.kind, next_after_id: cursor.next.id, updated_at: now })
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        waddle_id: eb.ref('excluded.waddle_id'),
        next_kind: eb.ref('excluded.next_kind'),
        next_after_id: eb.ref('excluded.next_after_id'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
  return { completed, repaired, failed, cursor, queries };
}

/**
 * The most statements one slice of the check sends with its repair: a slice of threads or
 * channels one per shard and one for its repair; a slice of messages its flags in one shard, the
 * follows of the same messages (one statement in the shard, one in the primary) and the two repairs.
 */
function sliceCost(sharded: ShardedWaddle, kind: NonNullable<DriftScan['next']>['kind']): number {
  return kind === 'message' ? 5 : sharded.shards.length + 1;
}

/**
 * The first waddle from `fromId` on with a serving message shard, and its databases as this
 * Worker reaches them (`sharded` undefined when a connector reaches none of one); `undefined` when
 * there is none.
 */
async function nextShardedWaddle(
  central: D1DatabaseLike,
  connectors: readonly DatabaseConnector[],
  fromId: number,
): Promise<{ readonly waddleId: number; readonly sharded: ShardedWaddle | undefined } | undefined> {
  const { db } = openDirectoryDatabase(central);
  const next = await db
    .selectFrom('databases')
    .select((eb) => eb.fn.min('shard_waddle_id').as('id'))
    .where('shard_waddle_id', '>=', fromId)
    .where('message_state', 'in', ['active', 'sealed'])
    .executeTakeFirst();
  const waddleId = next?.id ?? null;
  if (waddleId === null) return undefined;
  const row = await db
    .selectFrom('waddles as w')
    .innerJoin('databases as d', 'd.id', 'w.primary_database_id')
    .select((eb) => ['d.d1_database_id', 'd.slice', 'd.binding', laterMessageShardsColumn(eb)])
    .where('w.id', '=', waddleId)
    .executeTakeFirst();
  if (!row) return { waddleId, sharded: undefined };
  const primary = reachDatabase(connectors, locationOf(row));
  const later: MessageShard[] = [];
  for (const shard of parseLaterMessageShards(row.message_shards)) {
    const d1 = reachDatabase(connectors, shard);
    if (!d1) return { waddleId, sharded: undefined };
    later.push({ firstMessageId: shard.firstMessageId, waddle: openWaddleDatabase(d1) });
  }
  if (!primary) return { waddleId, sharded: undefined };
  return { waddleId, sharded: shardedWaddle(openWaddleDatabase(primary), later) };
}
