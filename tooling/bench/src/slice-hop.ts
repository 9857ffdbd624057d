import { type BenchParameters, benchCase } from './bench-cases.ts';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import { median, pairedBlockMeans } from './paired-blocks.ts';

/** What {@link timeSliceHop} measured, in milliseconds per call. */
export interface SliceHopTiming {
  /** The page through the Worker's own D1 binding: the median block mean. */
  readonly directMs: number;
  /** The same page through the slice that binds the same database: the median block mean. */
  readonly sliceMs: number;
  /** The median, over the rounds, of the slice's block mean minus the binding's in the same round: the hop. */
  readonly hopMs: number;
}

/**
 * Times the message page of `page_newest` (`getMessagePage`, newest 50 with their decorations)
 * over two handles on one database, inside a Worker: `direct` (its D1 binding) and `throughSlice`
 * (a slice bound to the same database, reached through a Worker binding, as the data path reaches
 * it), in `blocks` paired rounds (`pairedBlockMeans`). Answers the median block mean of each, and
 * the hop as the median of the rounds' differences.
 */
export async function timeSliceHop(
  direct: WaddleDatabase,
  throughSlice: WaddleDatabase,
  parameters: BenchParameters,
  blocks: number,
): Promise<SliceHopTiming> {
  const { first: binding, second: slice } = await pairedBlockMeans(
    benchCase('page_newest', direct, parameters),
    benchCase('page_newest', throughSlice, parameters),
    blocks,
  );
  return { directMs: median(binding), sliceMs: median(slice), hopMs: median(slice.map((ms, round) => ms - binding[round]!)) };
}
