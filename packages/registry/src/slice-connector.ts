import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import type { DatabaseConnector } from './database-connectors.ts';

/**
 * A database the directory places in a binding slice (`databases.slice`), reached through that
 * slice: every statement and batch is one dispatch call (`env.SLICES.get(slice).fetch(…)` in
 * production, `httpSliceDispatcher` locally), no REST call. Answers `undefined` for a location
 * with no slice, so the connectors after it (the REST API, for a database not yet moved into a
 * slice) are asked instead.
 *
 * Connecting sends nothing: a slice that cannot be reached (no such script, it threw, it was cut
 * off) makes the first statement throw `SliceUnavailableError`, and a slice that does not bind the
 * database `DatabaseNotInSliceError`; neither is retried nor sent over REST (the API answers 503
 * `waddle_unavailable`).
 *
 * @example
 * ```ts
 * const database = reachDatabase([bindingConnector(env), sliceConnector(env.SLICES)], locationOf(row));
 * ```
 */
export function sliceConnector(dispatcher: SliceDispatcher): DatabaseConnector {
  return ({ d1DatabaseId, slice }) => (slice ? sliceD1Database(dispatcher, { slice, database: d1DatabaseId }) : undefined);
}
