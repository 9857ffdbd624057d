import type { DatabaseTarget } from './database-target.ts';
import { type CloudflareApi, cloudflareRequest, restD1Database } from '@waddle/d1/rest';

/**
 * The remote target: Cloudflare's D1 REST API of one account (or the local D1 API, which serves
 * the same requests). Statements go to `POST /accounts/{account_id}/d1/database/{database_id}/query`;
 * creating a database is `POST /accounts/{account_id}/d1/database` with `{ "name": name }` (the
 * answer's `result.uuid` is its id); deleting one is
 * `DELETE /accounts/{account_id}/d1/database/{database_id}`. Nothing in it needs Node, so the api
 * Worker provisions through it too.
 */
export function remoteTarget(api: CloudflareApi, centralDatabaseId: string): DatabaseTarget {
  return {
    name: 'remote',
    centralDatabaseId,
    open: async () => ({ get: (databaseId) => restD1Database(api, databaseId), dispose: async () => {} }),
    createDatabase: async (name) => (await cloudflareRequest<{ uuid: string }>(api, 'POST', '/d1/database', { name })).uuid,
    deleteDatabase: async (databaseId) => {
      await cloudflareRequest<unknown>(api, 'DELETE', `/d1/database/${encodeURIComponent(databaseId)}`);
    },
  };
}
