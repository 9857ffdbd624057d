import { systemClock } from '@waddle/clock/clock';
import { dataPathConnectors } from '@waddle/registry/data-path-connectors';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';

/**
 * What the monitor's jobs reach outside the central database, passed in so a test can give its
 * own: the connectors that turn a registry row into a D1 database, the `fetch` that posts alerts,
 * and the clock.
 */
export interface MonitorDependencies {
  readonly connectors: readonly DatabaseConnector[];
  readonly fetch: typeof fetch;
  readonly now: () => number;
  /** The attachment bucket whose bytes per waddle the monitor counts; without one, nothing is counted. */
  readonly attachments?: Pick<R2Bucket, 'list'>;
}

/**
 * The Worker's own dependencies: a database is reached as on the API's data path
 * (`dataPathConnectors`): the static binding its row names when this Worker has it, else the
 * binding slice the directory places it in (the `SLICES` dispatch namespace binding, locally
 * `SLICES_DISPATCH_URL`), and only for a database no slice reaches yet the D1 REST API when
 * `cloudflareApiSettings` finds the account's settings; the global `fetch`; the system clock; the attachment bucket (`ATTACHMENTS`) when bound.
 *
 * @example
 * ```ts
 * await runSamplingTick(env.CENTRAL_DB, monitorDependencies(env), monitorConfig(env));
 * ```
 */
export function monitorDependencies(env: object): MonitorDependencies {
  const bindings = env as Readonly<Record<string, unknown>>;
  const connectors = dataPathConnectors(bindings);
  const attachments = bindings.ATTACHMENTS as Pick<R2Bucket, 'list'> | undefined;
  return { connectors, fetch: (input, init) => fetch(input, init), now: systemClock, ...(attachments ? { attachments } : {}) };
}
