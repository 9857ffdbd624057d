import type { CloudflareApi } from '@waddle/d1/rest';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';

/**
 * The Workers for Platforms dispatch namespace a target places new databases into (see
 * docs/binding-slices.md): where slices are uploaded (control plane), how the data path reaches
 * them, and what is uploaded. A target with one provisions every waddle into a slice; a target
 * without one (the plain local target, a Worker's static bindings) provisions as before, and
 * `waddle slices rebalance` moves such databases into slices later.
 */
export interface SliceNamespace {
  /** The account's API that slices are uploaded through (`PUT …/workers/dispatch/namespaces/{namespace}/scripts/{slice}`). */
  readonly api: CloudflareApi;
  /** The dispatch namespace (`waddle-slices`). */
  readonly namespace: string;
  /** How the data path reaches a slice: the namespace's binding (`env.SLICES`), or `httpSliceDispatcher` locally. */
  readonly dispatcher: SliceDispatcher;
  /** The bundled slice Worker (`packages/slice-worker/src/slice-worker.ts` as one ES module) every upload carries. */
  readonly script: string;
  /** Databases per slice, at most `SLICE_CAPACITY` (250, the default); lower only to test a full slice. */
  readonly capacity?: number;
  /** How long a provisioning may wait for another one's lease on the slice it chose (default 60 s). */
  readonly leaseWaitMs?: number;
}
