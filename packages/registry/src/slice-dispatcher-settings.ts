import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';

/**
 * How a Worker (or a tool) reaches the binding slices, from its `env` or environment:
 * `SLICES_DISPATCH_URL`, when set, is the local platform's dispatch namespace
 * (`http://127.0.0.1:8789/dispatch/waddle-slices`, which `waddle up` writes to `.dev.vars`:
 * Miniflare's own dispatch namespace binding only proxies to a remote account), reached with
 * `httpSliceDispatcher`; otherwise the dispatch namespace binding `SLICES`
 * (`dispatch_namespaces = [{ binding = "SLICES", namespace = "waddle-slices" }]` in the wrangler
 * config), whose `get(name)` is the production way in. `undefined` when neither is there: then no
 * database a slice reaches can be reached from here.
 *
 * @example
 * ```ts
 * const dispatcher = sliceDispatcherSettings(env);
 * const connectors = dispatcher ? [bindingConnector(env), sliceConnector(dispatcher)] : [bindingConnector(env)];
 * ```
 */
export function sliceDispatcherSettings(settings: Readonly<Record<string, unknown>>): SliceDispatcher | undefined {
  const url = settings.SLICES_DISPATCH_URL;
  if (typeof url === 'string' && url !== '') return httpSliceDispatcher(url);
  const binding = settings.SLICES;
  return isSliceDispatcher(binding) ? binding : undefined;
}

function isSliceDispatcher(value: unknown): value is SliceDispatcher {
  return typeof value === 'object' && value !== null && typeof (value as Partial<SliceDispatcher>).get === 'function';
}
