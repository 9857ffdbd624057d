import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { remoteTarget } from '@waddle/provisioning/remote-target';

/**
 * The remote target configured from the environment: the account id and API token from
 * `CLOUDFLARE_ACCOUNT_ID` and `CLOUDFLARE_API_TOKEN`, the API's base URL from
 * `CLOUDFLARE_API_BASE_URL` (default `https://api.cloudflare.com/client/v4`), the central
 * database's id from `WADDLE_CENTRAL_DATABASE_ID`; or an error naming what is missing.
 */
export function remoteTargetFromEnvironment(environment: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const missing = ['CLOUDFLARE_ACCOUNT_ID', 'CLOUDFLARE_API_TOKEN', 'WADDLE_CENTRAL_DATABASE_ID'].filter((name) => !environment[name]);
  if (missing.length > 0) throw new Error(`the remote target needs ${missing.join(', ')} in the environment`);
  return remoteTarget(
    {
      baseUrl: environment.CLOUDFLARE_API_BASE_URL ?? 'https://api.cloudflare.com/client/v4',
      accountId: environment.CLOUDFLARE_ACCOUNT_ID!,
      apiToken: environment.CLOUDFLARE_API_TOKEN!,
    },
    environment.WADDLE_CENTRAL_DATABASE_ID!,
  );
}
