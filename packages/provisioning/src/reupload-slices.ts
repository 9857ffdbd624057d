import { type Clock, systemClock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { directoryKysely } from '@waddle/registry/directory-kysely';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';
import { rowsOf } from './central-statements.ts';
import { acquireLease, leaseHolder, releaseLease } from './migration-lease.ts';
import { SliceBusyError } from './slice-busy-error.ts';
import type { RebalanceNamespace } from './rebalance-slices.ts';
import { databasesOfSliceQuery, SLICE_LEASE_TTL_MS, sliceLeaseName } from './slice-room.ts';

/**
 * Every slice the directory names, by name (`databases_by_slice`).
 *
 * ```sql
 * SELECT DISTINCT slice FROM databases WHERE slice IS NOT NULL ORDER BY slice
 * ```
 */
export function placedSlicesQuery() {
  return directoryKysely.selectFrom('databases').select('slice').distinct().where('slice', 'is not', null).orderBy('slice');
}

/**
 * Uploads every slice the directory names again, each with exactly the databases the directory
 * places in it, under that slice's lease (waiting up to `leaseWaitMs`, default 60 s, then
 * {@link SliceBusyError}): one control-plane call per slice. For a new version of the slice
 * Worker (a deploy), and for the local API, whose dispatch namespace starts empty each time
 * `waddle up` starts it. Changes nothing in the directory; answers the slices uploaded, in order.
 *
 * ```sql
 * SELECT DISTINCT slice FROM databases WHERE slice IS NOT NULL ORDER BY slice;
 * -- per slice, under its lease (migration_leases 'slice:<slice>'):
 * SELECT d1_database_id FROM databases WHERE slice = ? ORDER BY binding;
 * ```
 *
 * @example
 * ```ts
 * const uploaded = await reuploadSlices(central, { api, namespace: 'waddle-slices', script });
 * ```
 */
export async function reuploadSlices(
  central: D1DatabaseLike,
  slices: Pick<RebalanceNamespace, 'api' | 'namespace' | 'script' | 'leaseWaitMs'>,
  clock: Clock = systemClock,
): Promise<string[]> {
  const holder = `reupload:${crypto.randomUUID()}`;
  const uploaded: string[] = [];
  for (const { slice } of await rowsOf(central, placedSlicesQuery())) {
    if (slice === null) continue;
    const lease = sliceLeaseName(slice);
    const waitMs = slices.leaseWaitMs ?? 60_000;
    // A duration, not a time of day: measured on the monotonic clock.
    const deadline = performance.now() + waitMs;
    for (
      let pauseMs = 25;
      !(await acquireLease(central, lease, holder, SLICE_LEASE_TTL_MS, clock()));
      pauseMs = Math.min(pauseMs * 2, 1_000)
    ) {
      if (performance.now() > deadline) throw new SliceBusyError(slice, await leaseHolder(central, lease), waitMs);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    try {
      const databases = (await rowsOf(central, databasesOfSliceQuery(slice))).map((row) => row.d1_database_id);
      await uploadSlice(slices.api, { namespace: slices.namespace, slice, script: slices.script, databases });
      uploaded.push(slice);
    } finally {
      await releaseLease(central, lease, holder);
    }
  }
  return uploaded;
}
