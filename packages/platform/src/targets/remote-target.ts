import type { DatabaseTarget } from './database-target.ts';
import { type CloudflareApi, cloudflareRequest, restD1Database } from '@waddle/d1/rest';

/**
 * The remote target: Cloudflare's D1 REST API, with the account id and API token from the
 * environment (`CLOUDFLARE_ACCOUNT_ID`, `CLOUDFLARE_API_TOKEN`) and the central database's id
 * from `WADDLE_CENTRAL_DATABASE_ID`. Creating a database is `POST /accounts/{id}/d1/database`.
 */
export function remoteTarget(api: CloudflareApi, centralDatabaseId: string): DatabaseTarget {
  return {
    name: 'remote',
    centralDatabaseId,
    open: async () => ({ get: (databaseId) => restD1Database(api, databaseId), dispose: async () => {} }),
    createDatabase: async (name) => (await cloudflareRequest<{ uuid: string }>(api, 'POST', '/d1/database', { name })).uuid,
  };
}

/** The remote target configured from the environment, or an error naming what is missing. */
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
