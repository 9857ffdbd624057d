import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { remoteTarget } from '@waddle/provisioning/remote-target';
import { slicePlacement } from '@waddle/provisioning/slice-placement';
import { cloudflareApiSettings } from '@waddle/registry/cloudflare-api-settings';

/**
 * The remote target configured from the environment: the account's API as `cloudflareApiSettings`
 * reads it (the same reader as the Workers': `CLOUDFLARE_ACCOUNT_ID`, `CLOUDFLARE_API_TOKEN`,
 * `CLOUDFLARE_API_BASE_URL` defaulting to Cloudflare's), the central database's id from
 * `WADDLE_CENTRAL_DATABASE_ID`, and with `SLICES_DISPATCH_URL` the binding slices as the api
 * Worker places into them (`slicePlacement`: `SLICES_NAMESPACE`, `SLICE_CAPACITY`; a Node process
 * has no dispatch namespace binding), so the migrate fan-out migrates the databases in slices
 * through them and `waddle shard open` places a new shard into one; or an error naming what is
 * missing.
 */
export function remoteTargetFromEnvironment(environment: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const missing = ['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN', 'WADDLE_CENTRAL_DATABASE_ID'].filter((name) => !environment[name]);
  const api = cloudflareApiSettings(environment);
  if (missing.length > 0 || !api) throw new Error(`the remote target needs ${missing.join(', ')} in the environment`);
  const slices = slicePlacement(environment);
  return remoteTarget(api, environment.WADDLE_CENTRAL_DATABASE_ID!, slices ? { slices } : {});
}
