import { callSlice } from './call-slice.ts';
import type { SliceDispatcher } from './slice-dispatcher.ts';
import { type MigrateJobOutcome, type SampleJobOutcome, type SliceJobRequest, SlicePath } from './slice-protocol.ts';

/**
 * Migrates databases of one slice to the latest waddle schema, inside the slice (no statement
 * crosses the network), until every one of them is migrated, current or failed: the slice's
 * job is bounded per call, so databases it answered `not_started` are sent again in the next
 * call. Answers one outcome per database, in the order given. Databases listed in
 * `established` (the directory records a version for them) are never migrated from empty.
 *
 * @example
 * ```ts
 * const outcomes = await migrateThroughSlice(env.SLICES, 'slice-0007', ['4b1c…', '9e2d…']);
 * const failed = outcomes.filter((outcome) => outcome.status === 'failed');
 * ```
 */
export function migrateThroughSlice(
  dispatcher: SliceDispatcher,
  slice: string,
  databases: readonly string[],
  options: Pick<SliceJobRequest, 'budgetMs' | 'established'> = {},
): Promise<MigrateJobOutcome[]> {
  return untilStarted<MigrateJobOutcome>(dispatcher, slice, SlicePath.migrate, databases, options);
}

/**
 * Samples the size (and table count) of databases of one slice, inside the slice, one query
 * per database, calling the slice again for those a bounded call did not get to.
 */
export function sampleThroughSlice(
  dispatcher: SliceDispatcher,
  slice: string,
  databases: readonly string[],
  options: { readonly budgetMs?: number } = {},
): Promise<SampleJobOutcome[]> {
  return untilStarted<SampleJobOutcome>(dispatcher, slice, SlicePath.sample, databases, options);
}

async function untilStarted<T extends { database: string; status: string }>(
  dispatcher: SliceDispatcher,
  slice: string,
  path: string,
  databases: readonly string[],
  options: Omit<SliceJobRequest, 'databases'>,
): Promise<T[]> {
  const done = new Map<string, T>();
  let remaining = [...databases];
  while (remaining.length > 0) {
    const request: SliceJobRequest = { ...options, databases: remaining };
    const outcomes = await callSlice<T[]>(dispatcher, slice, path, request);
    for (const outcome of outcomes) if (outcome.status !== 'not_started') done.set(outcome.database, outcome);
    const next = remaining.filter((database) => !done.has(database));
    if (next.length === remaining.length) throw new Error(`slice ${slice} made no progress on ${path} (budget too small?)`);
    remaining = next;
  }
  return databases.map((database) => done.get(database) ?? ({ database, status: 'not_started' } as T));
}
