import { join } from 'node:path';
import { bundleWorker } from './bundle-worker.ts';
import { REPOSITORY_ROOT } from './repository-root.ts';

let bundled: Promise<string> | undefined;

/**
 * The slice Worker (`packages/slice-worker/src/slice-worker.ts`) bundled into the one ES module
 * every slice upload carries; bundled once per process.
 *
 * @example
 * ```ts
 * await uploadSlice(api, { namespace: 'waddle-slices', slice: 'slice-0001', script: await sliceScript(), databases });
 * ```
 */
export function sliceScript(): Promise<string> {
  bundled ??= bundleWorker(join(REPOSITORY_ROOT, 'packages/slice-worker/src/slice-worker.ts'));
  return bundled;
}
