import { systemClock } from '@waddle/clock/clock';
import { dataPathConnectors } from '@waddle/registry/data-path-connectors';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { slicePlacement } from '@waddle/provisioning/slice-placement';
import { cloudflareApiSettings } from '@waddle/registry/cloudflare-api-settings';
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
  /**
   * Where the shard pass creates new message shards and reaches the databases a switch touches;
   * without one, no shard is opened (the pass reports what is due).
   */
  readonly shardTarget?: DatabaseTarget;
}

/**
 * The Worker's own dependencies: a database is reached as on the API's data path
 * (`dataPathConnectors`): the static binding its row names when this Worker has it, else the
 * binding slice the directory places it in (the `SLICES` dispatch namespace binding, locally
 * `SLICES_DISPATCH_URL`), and only for a database no slice reaches yet the D1 REST API when
 * `cloudflareApiSettings` finds the account's settings; the global `fetch`; the system clock; the attachment bucket (`ATTACHMENTS`) when bound;
 * with those account settings, the D1 REST API as the shard pass's target (`remoteTarget`: a new
 * shard is created with `POST /accounts/{account_id}/d1/database`), placing each new shard into a
 * binding slice where the api places new waddles (`slicePlacement`: `SLICES_NAMESPACE`,
 * `SLICE_CAPACITY`, the `SLICES` binding or `SLICES_DISPATCH_URL`), so the switch's statements on
 * a shard in a slice go through it; only a shard no slice reaches is reached over REST.
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
  const api = cloudflareApiSettings(bindings);
  const slices = slicePlacement(bindings);
  return {
    connectors,
    fetch: (input, init) => fetch(input, init),
    now: systemClock,
    ...(attachments ? { attachments } : {}),
    // The central database is this Worker's binding; the target reaches only the waddle's databases.
    ...(api ? { shardTarget: remoteTarget(api, '', slices ? { slices } : {}) } : {}),
  };
}
