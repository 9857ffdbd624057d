import { type Clock, systemClock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { assignReachQuery } from '@waddle/registry/assign-reach';
import { directoryKysely } from '@waddle/registry/directory-kysely';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { SLICE_CAPACITY } from '@waddle/slice-worker/slice-capacity';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import { sampleThroughSlice } from '@waddle/slice-worker/slice-jobs';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';
import { batchOf, firstRowOf, rowsOf } from './central-statements.ts';
import type { SliceNamespace } from './slice-namespace.ts';
import { inSliceWithRoom } from './slice-room.ts';

/** Where rebalancing uploads: a dispatch namespace; with a dispatcher, each moved database is first read through its slice. */
export type RebalanceNamespace = Omit<SliceNamespace, 'dispatcher'> & { readonly dispatcher?: SliceDispatcher };

/** How a rebalance runs. */
export interface RebalanceOptions {
  /** Databases moved per upload, 1 to 250 (default 250: a slice's room at most). */
  readonly chunkSize?: number;
  /** The time leases and the directory rows are stamped with (default: the system clock). */
  readonly clock?: Clock;
  /** Called after each chunk. */
  readonly onProgress?: (progress: RebalanceProgress) => void;
}

/** One chunk moved. */
export interface RebalanceProgress {
  readonly slice: string;
  /** The D1 ids this chunk moved into `slice`. */
  readonly moved: readonly string[];
  /** Databases moved so far in this run, and how many no slice reached when it started. */
  readonly done: number;
  readonly total: number;
}

/** A database the rebalance left where it was. */
export interface SkippedDatabase {
  readonly d1DatabaseId: string;
  readonly reason: string;
}

/** What a rebalance did. */
export interface RebalanceReport {
  /** Databases no slice reached when it started. */
  readonly total: number;
  /** Each moved database with its slice. */
  readonly moved: readonly { readonly d1DatabaseId: string; readonly slice: string }[];
  /** Databases it could not move (an id a slice cannot bind, a database its slice could not read). */
  readonly skipped: readonly SkippedDatabase[];
  /** Slice uploads it made (control-plane calls besides the directory's). */
  readonly uploads: number;
}

/**
 * The databases of the directory that no slice reaches, in id order, after `after`.
 *
 * ```sql
 * SELECT id, d1_database_id FROM databases WHERE slice IS NULL AND id > ? ORDER BY id LIMIT ?
 * ```
 */
export function unplacedDatabasesQuery(after: number, limit: number) {
  return directoryKysely
    .selectFrom('databases')
    .select(['id', 'd1_database_id'])
    .where('slice', 'is', null)
    .where('id', '>', after)
    .orderBy('id')
    .limit(limit);
}

/**
 * Moves every database of the directory that no slice reaches (`slice IS NULL`: served by a
 * static binding or only by the REST API, as on installations from before slices) into slices
 * with room, a chunk at a time: under the slice's lease (`inSliceWithRoom`, the same as
 * provisioning, so the two never race on an upload), one upload of the slice with the databases
 * it keeps plus the chunk, then (with a dispatcher) one sample job through the slice to check it
 * reads each of them, then one batch that records each one's slice and binding in the directory.
 * It changes no data: no statement reaches a moved database but the sample's read, and the
 * directory rows keep their schema version and size.
 *
 * Resumable: a database is moved once its row names its slice, so a second run finds nothing to
 * do (no upload, no write), and a run stopped midway (killed, a refused upload, a 429) leaves
 * every chunk before the stop moved and the rest for the next run; a slice uploaded with a chunk
 * whose rows were never written binds a few databases the directory does not place in it, and
 * the next upload of that slice (which lists only what the directory places there) drops them.
 * A database whose id a slice cannot bind (the plain local target's `local-….2`) or that its
 * slice could not read is skipped and reported, and stays where it was.
 *
 * ```sql
 * SELECT count(*) AS count FROM databases WHERE slice IS NULL;
 * SELECT id, d1_database_id FROM databases WHERE slice IS NULL AND id > ? ORDER BY id LIMIT ?;   -- per chunk
 * -- the slice's lease and databases (inSliceWithRoom), the upload, the sample job, then in one batch:
 * UPDATE databases SET slice = ?, binding = ?, updated_at = ? WHERE d1_database_id = ?;          -- per moved database
 * ```
 *
 * @example
 * ```ts
 * const report = await rebalanceSlices(central, { api, namespace: 'waddle-slices', script }, { onProgress: (p) => log(`${p.done}/${p.total}`) });
 * ```
 */
export async function rebalanceSlices(
  central: D1DatabaseLike,
  slices: RebalanceNamespace,
  options: RebalanceOptions = {},
): Promise<RebalanceReport> {
  const chunkSize = options.chunkSize ?? SLICE_CAPACITY;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > SLICE_CAPACITY)
    throw new RangeError(`a rebalance chunk is 1 to ${SLICE_CAPACITY} databases, not ${chunkSize}`);
  const clock = options.clock ?? systemClock;
  const counted = await firstRowOf(
    central,
    directoryKysely
      .selectFrom('databases')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('slice', 'is', null),
  );
  const total = counted?.count ?? 0;
  const moved: { d1DatabaseId: string; slice: string }[] = [];
  const skipped = new Map<string, string>();
  let uploads = 0;
  const holder = `rebalance:${crypto.randomUUID()}`;

  for (let after = 0; ; ) {
    const candidates = await rowsOf(central, unplacedDatabasesQuery(after, chunkSize));
    const chunk = candidates.filter(({ d1_database_id: id }) => {
      const bindable = isBindable(id);
      if (!bindable) skipped.set(id, `a slice cannot bind the id ${JSON.stringify(id)}`);
      return bindable;
    });
    if (chunk.length === 0) {
      if (candidates.length < chunkSize) break;
      after = candidates.at(-1)?.id ?? after;
      continue;
    }
    after = await inSliceWithRoom(central, slices, holder, clock, async ({ slice, kept, room }) => {
      const taken = chunk.slice(0, room);
      const ids = taken.map((row) => row.d1_database_id);
      await uploadSlice(slices.api, { namespace: slices.namespace, slice, script: slices.script, databases: [...kept, ...ids] });
      uploads += 1;
      const readable = new Set(ids);
      if (slices.dispatcher) {
        for (const outcome of await sampleThroughSlice(slices.dispatcher, slice, ids)) {
          if (outcome.status === 'sampled') continue;
          readable.delete(outcome.database);
          skipped.set(outcome.database, `slice ${slice} could not read it: ${outcome.error ?? outcome.status}`);
        }
      }
      const now = clock();
      const placed = ids.filter((id) => readable.has(id));
      if (placed.length > 0)
        await batchOf(
          central,
          placed.map((id) => assignReachQuery(id, { slice, binding: sliceBindingName(id) }, now)),
        );
      for (const id of placed) moved.push({ d1DatabaseId: id, slice });
      options.onProgress?.({ slice, moved: placed, done: moved.length, total });
      // Past the last database handed to a slice: those after it in the chunk come in the next one.
      return taken.at(-1)?.id ?? after;
    });
  }
  return { total, moved, skipped: [...skipped].map(([d1DatabaseId, reason]) => ({ d1DatabaseId, reason })), uploads };
}

/** Whether a slice can bind the database under its derived binding name. */
function isBindable(d1DatabaseId: string): boolean {
  try {
    sliceBindingName(d1DatabaseId);
    return true;
  } catch {
    return false;
  }
}
