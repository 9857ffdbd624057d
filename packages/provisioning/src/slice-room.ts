import type { Clock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely } from '@waddle/registry/directory-kysely';
import { SLICE_CAPACITY } from '@waddle/slice-worker/slice-capacity';
import { firstRowOf, rowsOf } from './central-statements.ts';
import { acquireLease, leaseHolder, releaseLease } from './migration-lease.ts';
import { SliceBusyError } from './slice-busy-error.ts';
import type { SliceNamespace } from './slice-namespace.ts';

/** How long a slice's lease runs before it lapses on its own (a holder that died): an upload, a migration job and a batch fit many times. */
export const SLICE_LEASE_TTL_MS = 120_000;

/** The most slices placement names (`slice-0001` … `slice-9999`): 2,499,750 databases at 250 each. */
export const MAX_PLACED_SLICES = 9_999;

/** A slice with room, held under its lease while the caller's work runs. */
export interface SliceRoom {
  /** Its script name in the namespace (`slice-0003`). */
  readonly slice: string;
  /** The D1 ids the directory places in it now, in binding order: under the lease nobody else changes them. */
  readonly kept: readonly string[];
  /** How many more databases it takes (at least 1). */
  readonly room: number;
}

/** The slice a database reaches through its lease: `slice:<slice>` in `migration_leases`. */
export function sliceLeaseName(slice: string): string {
  return `slice:${slice}`;
}

/** The name placement gives its `n`-th slice: `slice-0001`, `slice-0002`, … */
export function placedSliceName(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > MAX_PLACED_SLICES)
    throw new RangeError(`placed slices are numbered 1 to ${MAX_PLACED_SLICES}, not ${n}`);
  return `slice-${String(n).padStart(4, '0')}`;
}

/**
 * The newest slice placement opened, by name: one probe of `databases_by_slice` from the top of
 * the `slice-0…` range.
 *
 * ```sql
 * SELECT slice FROM databases WHERE slice >= 'slice-0' AND slice < 'slice-:' ORDER BY slice DESC LIMIT 1
 * ```
 */
export function newestPlacedSliceQuery() {
  return directoryKysely
    .selectFrom('databases')
    .select('slice')
    .where('slice', '>=', 'slice-0')
    .where('slice', '<', 'slice-:')
    .orderBy('slice', 'desc')
    .limit(1);
}

/**
 * The databases the directory places in a slice, in binding order (`databases_by_slice`).
 *
 * ```sql
 * SELECT d1_database_id FROM databases WHERE slice = ? ORDER BY binding
 * ```
 */
export function databasesOfSliceQuery(slice: string) {
  return directoryKysely.selectFrom('databases').select('d1_database_id').where('slice', '=', slice).orderBy('binding');
}

/**
 * Runs `work` on a slice with room, under that slice's lease, then gives the lease back (also
 * when `work` throws): how provisioning and `waddle slices rebalance` re-upload a slice without
 * two of them racing (an upload replaces the slice's bindings, so the second would drop the
 * first's new one). The slice is the newest one placement opened while it has fewer than
 * `capacity` databases in the directory, else the next name (`slice-000N`, opened by the first
 * upload). Its lease is `slice:<slice>` in `migration_leases`, expiring `SLICE_LEASE_TTL_MS` after
 * the injected clock's now, so a holder that died does not block the slice for good. While
 * another holder has it, this waits (pauses of 25 ms doubling to 1 s) up to `leaseWaitMs`
 * (default 60 s), then throws {@link SliceBusyError}; a slice found full once the lease is
 * taken (filled meanwhile) is let go and the choice made again. `work` should register its
 * databases in the directory before it returns, so the next holder sees them.
 *
 * ```sql
 * SELECT slice FROM databases WHERE slice >= 'slice-0' AND slice < 'slice-:' ORDER BY slice DESC LIMIT 1;
 * SELECT d1_database_id FROM databases WHERE slice = ? ORDER BY binding;          -- its databases
 * INSERT INTO migration_leases (name, holder, acquired_at, expires_at) VALUES ('slice:' || ?, ?, ?, ?)
 *   ON CONFLICT (name) DO UPDATE SET … WHERE migration_leases.expires_at <= excluded.acquired_at OR migration_leases.holder = excluded.holder
 *   RETURNING holder;
 * SELECT d1_database_id FROM databases WHERE slice = ? ORDER BY binding;          -- again, under the lease
 * -- work, then:
 * DELETE FROM migration_leases WHERE name = 'slice:' || ? AND holder = ?;
 * ```
 *
 * @example
 * ```ts
 * await inSliceWithRoom(central, slices, holder, clock, async ({ slice, kept }) => {
 *   await uploadSlice(slices.api, { namespace: slices.namespace, slice, script: slices.script, databases: [...kept, created] });
 *   await central.batch([...]); // register it with { slice, binding: sliceBindingName(created) }
 * });
 * ```
 */
export async function inSliceWithRoom<T>(
  central: D1DatabaseLike,
  slices: Pick<SliceNamespace, 'capacity' | 'leaseWaitMs'>,
  holder: string,
  clock: Clock,
  work: (room: SliceRoom) => Promise<T>,
): Promise<T> {
  const capacity = slices.capacity ?? SLICE_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > SLICE_CAPACITY)
    throw new RangeError(`a slice holds 1 to ${SLICE_CAPACITY} databases, not ${capacity}`);
  const waitMs = slices.leaseWaitMs ?? 60_000;
  // A duration, not a time of day: measured on the monotonic clock.
  const deadline = performance.now() + waitMs;
  for (let pauseMs = 25; ; ) {
    const slice = await sliceWithRoom(central, capacity);
    const lease = sliceLeaseName(slice);
    if (await acquireLease(central, lease, holder, SLICE_LEASE_TTL_MS, clock())) {
      try {
        const kept = (await rowsOf(central, databasesOfSliceQuery(slice))).map((row) => row.d1_database_id);
        if (kept.length < capacity) return await work({ slice, kept, room: capacity - kept.length });
      } finally {
        await releaseLease(central, lease, holder);
      }
      continue;
    }
    if (performance.now() > deadline) throw new SliceBusyError(slice, await leaseHolder(central, lease), waitMs);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    pauseMs = Math.min(pauseMs * 2, 1_000);
  }
}

/**
 * The newest placed slice while it has room by the directory, else the next name.
 *
 * ```sql
 * SELECT slice FROM databases WHERE slice >= 'slice-0' AND slice < 'slice-:' ORDER BY slice DESC LIMIT 1;
 * SELECT count(*) AS count FROM databases WHERE slice = ?;
 * ```
 */
async function sliceWithRoom(central: D1DatabaseLike, capacity: number): Promise<string> {
  const newest = (await firstRowOf(central, newestPlacedSliceQuery()))?.slice;
  const number = newest && /^slice-\d+$/.test(newest) ? Number(newest.slice('slice-'.length)) : 0;
  if (newest && number > 0) {
    const counted = await firstRowOf(
      central,
      directoryKysely
        .selectFrom('databases')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('slice', '=', newest),
    );
    if ((counted?.count ?? 0) < capacity) return newest;
  }
  return placedSliceName(number + 1);
}
