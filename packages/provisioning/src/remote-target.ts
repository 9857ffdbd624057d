import { type CloudflareApi, cloudflareRequest, restD1Database } from '@waddle/d1/rest';
import type { DatabaseTarget } from './database-target.ts';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import type { SliceNamespace } from './slice-namespace.ts';

/**
 * The remote target: Cloudflare's D1 REST API of one account (or the local D1 API, which serves
 * the same requests). Statements go to `POST /accounts/{account_id}/d1/database/{database_id}/query`;
 * creating a database is `POST /accounts/{account_id}/d1/database` with `{ "name": name }` (the
 * answer's `result.uuid` is its id); deleting one is
 * `DELETE /accounts/{account_id}/d1/database/{database_id}`. Nothing in it needs Node, so the api
 * Worker provisions through it too. Given `slices` (the account's dispatch namespace, uploaded
 * through the same `api`), `createWaddle` places every new database into a slice; without, it
 * provisions with no slice, as before. With a way to the slices (`sliceDispatcher`, or that of
 * `slices`), the migrate fan-out migrates the databases in slices through them, so only the
 * central database and databases no slice reaches see REST statements.
 *
 * @example
 * ```ts
 * const target = remoteTarget(api, centralId, { slices: { namespace: 'waddle-slices', dispatcher: env.SLICES, script } });
 * ```
 */
export function remoteTarget(
  api: CloudflareApi,
  centralDatabaseId: string,
  options: { readonly slices?: Omit<SliceNamespace, 'api'>; readonly sliceDispatcher?: SliceDispatcher } = {},
): DatabaseTarget {
  const sliceDispatcher = options.sliceDispatcher ?? options.slices?.dispatcher;
  return {
    name: 'remote',
    centralDatabaseId,
    ...(options.slices ? { slices: { ...options.slices, api } } : {}),
    ...(sliceDispatcher ? { sliceDispatcher } : {}),
    open: async () => ({ get: (databaseId) => restD1Database(api, databaseId), dispose: async () => {} }),
    createDatabase: async (name) => (await cloudflareRequest<{ uuid: string }>(api, 'POST', '/d1/database', { name })).uuid,
    deleteDatabase: async (databaseId) => {
      await cloudflareRequest<unknown>(api, 'DELETE', `/d1/database/${encodeURIComponent(databaseId)}`);
    },
  };
}
