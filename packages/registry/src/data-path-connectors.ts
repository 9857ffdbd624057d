import { cloudflareApiSettings } from './cloudflare-api-settings.ts';
import { bindingConnector, type DatabaseConnector, restConnector } from './database-connectors.ts';
import { sliceConnector } from './slice-connector.ts';
import { sliceDispatcherSettings } from './slice-dispatcher-settings.ts';

/**
 * How the platform's Workers reach a waddle database on the data path, in order: the static
 * binding its row names when this deploy has it (`bindingConnector`); the binding slice the
 * directory places it in (`sliceConnector`, through `sliceDispatcherSettings`: the `SLICES`
 * dispatch namespace binding, or `SLICES_DISPATCH_URL` locally); and, only for a database no slice
 * reaches yet (one `waddle slices rebalance` has not moved), the D1 REST API when
 * `cloudflareApiSettings` finds it. A database in a slice never falls through to REST: if its
 * slice cannot be reached, its statements fail (`SliceUnavailableError`).
 *
 * @example
 * ```ts
 * const database = reachDatabase(dataPathConnectors(env), { d1DatabaseId, d1Binding: null, slice: 'slice-0003' });
 * ```
 */
export function dataPathConnectors(settings: Readonly<Record<string, unknown>>): DatabaseConnector[] {
  const dispatcher = sliceDispatcherSettings(settings);
  const api = cloudflareApiSettings(settings);
  return [bindingConnector(settings), ...(dispatcher ? [sliceConnector(dispatcher)] : []), ...(api ? [restConnector(api)] : [])];
}
