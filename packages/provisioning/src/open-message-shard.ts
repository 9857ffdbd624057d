import type { Clock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { fenceShard } from '@waddle/queries/shards/shard-fence';
import { continueMessageIds, lastHandedOutMessageId } from '@waddle/queries/shards/continue-message-ids';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { directoryKysely, statementOf } from '@waddle/registry/directory-kysely';
import { type MessageShardEntry, readMessageShardMap, servingShards } from '@waddle/registry/message-shard-map';
import { recordSchemaVersionQuery } from '@waddle/registry/record-schema-version';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { migrateThroughSlice } from '@waddle/slice-worker/slice-jobs';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseTarget } from './database-target.ts';
import { MessageShardBusyError } from './message-shard-busy-error.ts';
import { acquireLease, releaseLease } from './migration-lease.ts';
import { placeInSlice } from './place-in-slice.ts';

/** The steps of a switch, in order; each is done when `afterStep` is called with it. */
export const SHARD_SWITCH_STEPS = ['created', 'migrated', 'sealed', 'continued', 'activated'] as const;
export type ShardSwitchStep = (typeof SHARD_SWITCH_STEPS)[number];

/** How long a switch holds the waddle's shard lease: far longer than its handful of round trips. */
export const SHARD_LEASE_TTL_MS = 120_000;

/** A first id placeholder above every id: an `opening` shard's until the switch knows its range. */
const ABOVE_EVERY_ID = Number.MAX_SAFE_INTEGER;

export interface ShardSwitchOptions {
  readonly clock: Clock;
  /** Who runs the switch (the lease's holder): a run that resumes a dead one uses another name. */
  readonly holder: string;
  /** Called after each step, for progress (and, in tests, to stop a switch between two steps). */
  readonly afterStep?: (step: ShardSwitchStep) => void | Promise<void>;
}

/** The shard a switch opened, now taking the waddle's new messages. */
export interface OpenedShard {
  readonly d1DatabaseId: string;
  readonly firstMessageId: number;
}

/**
 * Opens a new message shard for a waddle and hands it the new messages, replacing `replacing`
 * (the D1 id of the waddle's newest shard, which the caller found too full: the primary the
 * first time). The switch of docs/message-shards.md, section 5, under the lease
 * `shard:<waddle id>`; every step is idempotent, and the directory's shard map is its progress,
 * so a switch that died at any point is completed by running it again with the same `replacing`
 * (once its lease expired), and a switch that already completed returns its shard:
 *
 * 1. **created**: a new D1 database `waddle-<id>-shard-<n>` (control plane), registered as an
 *    `opening` message shard above every id:
 *    `INSERT INTO databases (role, d1_database_id, shard_waddle_id, first_message_id, message_state, …) VALUES ('message_shard', ?, ?, 2^53 - 1, 'opening', …)`;
 *    then, on a target with a dispatch namespace (`target.slices`), placed into a slice with room
 *    (`placeInSlice`: the slice lease and upload of `createWaddle`, then
 *    `UPDATE databases SET slice = ?, binding = ? …`); a resume finds the row's slice and does
 *    not place it again;
 * 2. **migrated**: the waddle schema applied to it (in a slice: by the slice's migrate job), its
 *    version recorded;
 * 3. **sealed**: `replacing` marked `sealed` in the directory and its fence put up
 *    (`INSERT INTO shard_fence …`): a post that read the old map is refused from now on and
 *    retried by its poster, so every message it holds has an id below what step 4 reads;
 * 4. **continued**: the new shard's id sequence set past the sealed one's last id
 *    (`lastHandedOutMessageId`, hard-deleted ids included; `continueMessageIds`), and past its
 *    first id when it took no message (its range stays empty, one id is skipped);
 * 5. **activated**: its range fixed and it takes new messages:
 *    `UPDATE databases SET first_message_id = ?, message_state = 'active' WHERE id = ?`.
 *
 * A shard in a slice the target reaches (`target.sliceDispatcher`) gets the switch's statements
 * through that slice, the old shard as the new one: no REST statement; any other through
 * `target.open`. Between steps 3 and 5 (a few round trips) posts are refused with `ShardSealedError` and retried.
 * Not covered: a death between creating the database and registering it leaves an empty database
 * of that name on the account (the target cannot list databases by name).
 *
 * @example
 * ```ts
 * const opened = await openMessageShard(central, target, 7, 'waddle-db-id', { clock, holder: 'monitor' });
 * ```
 */
export async function openMessageShard(
  central: D1DatabaseLike,
  target: DatabaseTarget,
  waddleId: number,
  replacing: string,
  options: ShardSwitchOptions,
): Promise<OpenedShard> {
  const lease = `shard:${waddleId}`;
  if (!(await acquireLease(central, lease, options.holder, SHARD_LEASE_TTL_MS, options.clock()))) throw new MessageShardBusyError(waddleId);
  try {
    const map = await readMessageShardMap(central, waddleId);
    if (!map) throw new Error(`waddle ${waddleId} is not in the directory`);
    const serving = servingShards(map);
    const index = serving.findIndex((shard) => shard.d1DatabaseId === replacing);
    if (index === -1) throw new Error(`waddle ${waddleId} has no message shard ${replacing}`);
    const newer = serving[index + 1];
    if (newer) return { d1DatabaseId: newer.d1DatabaseId, firstMessageId: newer.firstMessageId };

    const old = serving[index]!;
    const registered =
      map.shards.find((shard) => shard.state === 'opening') ?? (await create(central, target, waddleId, map.shards.length + 1, options));
    const opening = await placed(central, target, registered, options);
    const throughTarget = [old, opening].filter((shard) => !inReachedSlice(target, shard)).map((shard) => shard.d1DatabaseId);
    const opened = throughTarget.length > 0 ? await target.open(throughTarget) : undefined;
    const reach = (shard: MessageShardEntry): D1DatabaseLike =>
      inReachedSlice(target, shard) && target.sliceDispatcher
        ? sliceD1Database(target.sliceDispatcher, { slice: shard.slice, database: shard.d1DatabaseId })
        : opened!.get(shard.d1DatabaseId);
    try {
      const fresh = reach(opening);
      const version = await migrate(target, opening, fresh, options.clock);
      await statementOf(
        central,
        recordSchemaVersionQuery({ d1DatabaseId: opening.d1DatabaseId, schemaVersion: version }, options.clock()),
      ).run();
      await options.afterStep?.('migrated');

      await seal(central, old, options.clock());
      await fenceShard(openWaddleDatabase(reach(old)), options.clock());
      await options.afterStep?.('sealed');

      // A replaced shard that took no message would leave the new one its own first id: start one above it then.
      const last = Math.max(await lastHandedOutMessageId(openWaddleDatabase(reach(old))), old.firstMessageId);
      await continueMessageIds(openWaddleDatabase(fresh), last);
      await options.afterStep?.('continued');

      await statementOf(
        central,
        directoryKysely
          .updateTable('databases')
          .set({ first_message_id: last + 1, message_state: 'active', updated_at: options.clock() })
          .where('id', '=', opening.directoryId),
      ).run();
      await options.afterStep?.('activated');
      return { d1DatabaseId: opening.d1DatabaseId, firstMessageId: last + 1 };
    } finally {
      await opened?.dispose();
    }
  } finally {
    await releaseLease(central, lease, options.holder);
  }
}

/** Step 1: the new database, registered as `opening` above every id. */
async function create(
  central: D1DatabaseLike,
  target: DatabaseTarget,
  waddleId: number,
  n: number,
  options: ShardSwitchOptions,
): Promise<MessageShardEntry> {
  const d1DatabaseId = await target.createDatabase(`waddle-${waddleId}-shard-${n}`);
  const now = options.clock();
  const row = await statementOf(
    central,
    directoryKysely
      .insertInto('databases')
      .values({
        role: 'message_shard',
        d1_database_id: d1DatabaseId,
        shard_waddle_id: waddleId,
        first_message_id: ABOVE_EVERY_ID,
        message_state: 'opening',
        created_at: now,
        updated_at: now,
      })
      .returning('id'),
  ).first<{ id: number }>();
  const registered: MessageShardEntry = {
    directoryId: row!.id,
    d1DatabaseId,
    firstMessageId: ABOVE_EVERY_ID,
    state: 'opening',
    slice: null,
  };
  const entry = await placed(central, target, registered, options);
  await options.afterStep?.('created');
  return entry;
}

/**
 * Step 1's placement: on a target with a dispatch namespace, the `opening` shard put into a slice
 * with room (`placeInSlice`: the slice's lease, one upload, its row's slice and binding), unless
 * its row already names one (a resumed switch: placed once). Elsewhere it is left with no slice.
 */
async function placed(
  central: D1DatabaseLike,
  target: DatabaseTarget,
  shard: MessageShardEntry,
  options: ShardSwitchOptions,
): Promise<MessageShardEntry> {
  if (shard.slice !== null || !target.slices) return shard;
  return { ...shard, slice: await placeInSlice(central, target.slices, shard.d1DatabaseId, options.holder, options.clock) };
}

/** Whether the switch reaches the shard through its slice: it is in one and the target has a way to the slices. */
function inReachedSlice(target: DatabaseTarget, shard: MessageShardEntry): shard is MessageShardEntry & { readonly slice: string } {
  return shard.slice !== null && target.sliceDispatcher !== undefined;
}

/**
 * Step 2: the waddle schema applied to the new shard, and its version: by its slice's migrate job
 * when it is in a slice the target reaches (every statement inside the slice, none over REST),
 * else through `database`.
 */
async function migrate(target: DatabaseTarget, shard: MessageShardEntry, database: D1DatabaseLike, clock: Clock): Promise<string> {
  if (inReachedSlice(target, shard) && target.sliceDispatcher) {
    const [outcome] = await migrateThroughSlice(target.sliceDispatcher, shard.slice, [shard.d1DatabaseId]);
    if (outcome?.status !== 'migrated' && outcome?.status !== 'current')
      throw new Error(`shard ${shard.d1DatabaseId} did not migrate in ${shard.slice}: ${outcome?.error ?? 'no outcome from its slice'}`);
    return outcome.version ?? waddleMigrations.at(-1)!.name;
  }
  const { error, results } = await new Migrator({ database, migrations: waddleMigrations, now: clock }).migrateToLatest();
  if (error) throw error;
  return results?.at(-1)?.migrationName ?? waddleMigrations.at(-1)!.name;
}

/** Step 3's directory part: the replaced shard takes no new messages. `UPDATE databases SET message_state = 'sealed' WHERE id = ?` */
async function seal(central: D1DatabaseLike, shard: MessageShardEntry, now: number): Promise<void> {
  await statementOf(
    central,
    directoryKysely.updateTable('databases').set({ message_state: 'sealed', updated_at: now }).where('id', '=', shard.directoryId),
  ).run();
}
