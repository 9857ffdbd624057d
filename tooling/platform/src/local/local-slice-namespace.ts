import type { SliceNamespace } from '@waddle/provisioning/slice-namespace';
import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';
import { sliceScript } from './slice-script.ts';

/** Where a local D1 API serves: what {@link localSliceNamespace} needs of it. */
export interface LocalSliceAccess {
  /** Its `baseUrl` (`http://127.0.0.1:8789/client/v4`). */
  readonly baseUrl: string;
  /** Its `dispatchUrl` (`http://127.0.0.1:8789/dispatch/waddle-slices`). */
  readonly dispatchUrl: string;
  readonly accountId: string;
  readonly apiToken: string;
  /** Its dispatch namespace (`waddle-slices`). */
  readonly namespace: string;
}

/**
 * The local API's dispatch namespace as provisioning and rebalancing use it: uploads through its
 * REST API, the data path through `httpSliceDispatcher(dispatchUrl)`, the bundled slice Worker.
 *
 * @example
 * ```ts
 * const slices = await localSliceNamespace({ ...api, accountId: LOCAL_ACCOUNT_ID, apiToken, namespace: LOCAL_DISPATCH_NAMESPACE });
 * const target = remoteTarget({ baseUrl: api.baseUrl, accountId: LOCAL_ACCOUNT_ID, apiToken }, 'local-central', { slices });
 * ```
 */
export async function localSliceNamespace(
  access: LocalSliceAccess,
  options: Pick<SliceNamespace, 'capacity' | 'leaseWaitMs'> = {},
): Promise<SliceNamespace> {
  return {
    api: { baseUrl: access.baseUrl, accountId: access.accountId, apiToken: access.apiToken },
    namespace: access.namespace,
    dispatcher: httpSliceDispatcher(access.dispatchUrl),
    script: await sliceScript(),
    ...options,
  };
}
