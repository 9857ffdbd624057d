import type { SliceDispatcher } from './slice-dispatcher.ts';

/**
 * A {@link SliceDispatcher} that reaches slices over HTTP: a request to `https://slice/<path>`
 * on slice `name` goes to `<baseUrl>/<name>/<path>`. This is how Workers under `wrangler dev`
 * and tests reach the slices the local API runs (`baseUrl` is its `dispatchUrl`), since
 * Miniflare's `dispatchNamespaces` only proxies to a remote account. Like the binding, a slice
 * that does not exist makes `fetch()` reject with `Worker not found: <name>` (the local API
 * answers it 404 with `cf-worker-not-found: 1`).
 *
 * @example
 * ```ts
 * const slices = httpSliceDispatcher(env.LOCAL_SLICES_URL); // 'http://127.0.0.1:8789/dispatch/waddle-slices'
 * ```
 */
export function httpSliceDispatcher(baseUrl: string, send: typeof fetch = fetch): SliceDispatcher {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    get: (sliceName) => ({
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const { pathname, search } = new URL(request.url);
        const response = await send(new Request(`${base}/${encodeURIComponent(sliceName)}${pathname}${search}`, request));
        if (response.status === 404 && response.headers.get('cf-worker-not-found') === '1') {
          await response.body?.cancel();
          throw new Error(`Worker not found: ${sliceName}`);
        }
        return response;
      },
    }),
  };
}
