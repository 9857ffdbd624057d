import { systemClock } from '@waddle/clock/clock';
import { handleSliceRequest } from './handle-slice-request.ts';
import type { SliceEnv } from './slice-env.ts';

/**
 * The slice: a Worker uploaded into the dispatch namespace with the D1 bindings of up to
 * `SLICE_CAPACITY` databases, serving their statements and bounded jobs (see `SlicePath`).
 */
export default {
  fetch: (request, env) => handleSliceRequest(request, env, systemClock),
} satisfies ExportedHandler<SliceEnv>;
