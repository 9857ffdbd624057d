import type { D1DatabaseLike } from '@waddle/d1/database';
import type { CloudflareApi } from '@waddle/d1/rest';
import { LOCAL_ACCOUNT_ID, LOCAL_DISPATCH_NAMESPACE, type LocalD1Api, startLocalD1Api } from '@waddle/platform/local-d1-api';
import { sliceScript } from '@waddle/platform/slice-script';
import { assignReachQuery } from '@waddle/registry/assign-reach';
import { statementOf } from '@waddle/registry/directory-kysely';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { SLICE_CAPACITY } from '@waddle/slice-worker/slice-capacity';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';

/** The token of the bench's local API (loopback only, this process only). */
const BENCH_API_TOKEN = 'bench-local-api-token';

/** A local API the bench started: the API, and the account and token to call it with. */
export interface BenchLocalApi {
  readonly api: LocalD1Api;
  readonly cf: CloudflareApi;
}

/**
 * Starts the local D1 API (`npm start`'s stand-in for Cloudflare: REST API, dispatch namespace,
 * Cloudflare's rate limit of 1,200 calls per five minutes) over `stateDirectory`, serving
 * `databaseIds`, which must exist there and be held by no other process.
 */
export async function startBenchLocalApi(stateDirectory: string, databaseIds: readonly string[]): Promise<BenchLocalApi> {
  const api = await startLocalD1Api({ stateDirectory, accountId: LOCAL_ACCOUNT_ID, apiToken: BENCH_API_TOKEN, databaseIds });
  return { api, cf: { baseUrl: api.baseUrl, accountId: LOCAL_ACCOUNT_ID, apiToken: BENCH_API_TOKEN } };
}

/**
 * The slice placement of `databaseIds`, in order and {@link SLICE_CAPACITY} to a slice, named as
 * provisioning names slices (`slice-0001`, `slice-0002`, …): slice name → its D1 ids.
 */
export function slicePlacement(databaseIds: readonly string[]): Map<string, string[]> {
  const placement = new Map<string, string[]>();
  for (let first = 0; first < databaseIds.length; first += SLICE_CAPACITY)
    placement.set(`slice-${String(placement.size + 1).padStart(4, '0')}`, databaseIds.slice(first, first + SLICE_CAPACITY));
  return placement;
}

/**
 * Records a placement in the directory of databases: each database's slice and its binding there
 * (`sliceBindingName`), 50 rows to a batch.
 *
 * ```sql
 * UPDATE databases SET slice = ?, binding = ?, updated_at = ? WHERE d1_database_id = ?   -- ×50 per batch
 * ```
 */
export async function recordSlicePlacement(central: D1DatabaseLike, placement: Map<string, string[]>, now: number): Promise<void> {
  const updates = [...placement].flatMap(([slice, ids]) =>
    ids.map((id) => statementOf(central, assignReachQuery(id, { slice, binding: sliceBindingName(id) }, now))),
  );
  for (let first = 0; first < updates.length; first += 50) await central.batch(updates.slice(first, first + 50));
}

/** Uploads every slice of a placement to the local API's dispatch namespace: one control-plane call per slice. */
export async function uploadSlicePlacement(cf: CloudflareApi, placement: Map<string, string[]>): Promise<void> {
  const script = await sliceScript();
  for (const [slice, databases] of placement) await uploadSlice(cf, { namespace: LOCAL_DISPATCH_NAMESPACE, slice, script, databases });
}
