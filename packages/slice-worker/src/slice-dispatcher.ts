/** What a dispatch namespace's `get(name)` hands out: something to `fetch` the named Worker through. */
export interface SliceFetcher {
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
}

/**
 * How the data path reaches a slice by its name. In production it is the dispatch namespace
 * binding itself (`env.SLICES`, declared `dispatch_namespaces = [{ binding = "SLICES",
 * namespace = "…" }]`): its `get(name)` returns a `Fetcher`, and `fetch()` on it rejects with
 * `Worker not found…` when the namespace has no such script. Locally (Workers under
 * `wrangler dev`, tests) it is {@link httpSliceDispatcher} to the local API's slices.
 *
 * @example
 * ```ts
 * const db = sliceD1Database(env.SLICES, { slice: 'slice-0007', database: row.d1_database_id });
 * ```
 */
export interface SliceDispatcher {
  get(sliceName: string): SliceFetcher;
}
