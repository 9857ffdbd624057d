import type { Clock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { assignReach } from '@waddle/registry/assign-reach';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';
import type { SliceNamespace } from './slice-namespace.ts';
import { inSliceWithRoom } from './slice-room.ts';

/**
 * Places a database the directory already lists (with no slice) into a slice with room: under
 * that slice's lease (`inSliceWithRoom`, the lease provisioning and `waddle slices rebalance`
 * take), one upload of the slice with the databases the directory places in it plus this one
 * (`uploadSlice`, a control-plane call), then its row records the slice and its binding
 * (`sliceBindingName`); returns the slice. How the message shard switch places a new shard.
 *
 * Idempotent by the directory: a caller that finds the row with a slice does not call it again.
 * Stopped between the upload and the row (the only window), the slice binds a database the
 * directory does not place there; running it again places the database in the newest slice with
 * room, which is that same slice unless it filled meanwhile, and its upload (the directory's
 * databases plus this one) leaves it bound once; in the other case the first slice's next upload,
 * which lists only the directory's databases, drops the stale binding (as for a rebalance).
 *
 * ```sql
 * -- the slice's lease and databases (inSliceWithRoom), the upload, then:
 * UPDATE databases SET slice = ?, binding = ?, updated_at = ? WHERE d1_database_id = ?;
 * ```
 *
 * @example
 * ```ts
 * const slice = await placeInSlice(central, target.slices, 'db-id', `shard:${waddleId}`, clock);
 * ```
 */
export async function placeInSlice(
  central: D1DatabaseLike,
  slices: SliceNamespace,
  d1DatabaseId: string,
  holder: string,
  clock: Clock,
): Promise<string> {
  return inSliceWithRoom(central, slices, holder, clock, async ({ slice, kept }) => {
    await uploadSlice(slices.api, { namespace: slices.namespace, slice, script: slices.script, databases: [...kept, d1DatabaseId] });
    await assignReach(central, d1DatabaseId, { slice, binding: sliceBindingName(d1DatabaseId) }, clock());
    return slice;
  });
}
