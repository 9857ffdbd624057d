import { type BenchParameters, benchCase } from './bench-cases.ts';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import { warmUp } from './warm-up.ts';

/** Calls per timed block of {@link timeSliceHop}: enough that workerd's whole-millisecond clock resolves a block's mean. */
export const SLICE_HOP_BLOCK = 10;

/** The two medians of {@link timeSliceHop}, in milliseconds per call. */
export interface SliceHopTiming {
  /** The page through the Worker's own D1 binding. */
  readonly directMs: number;
  /** The same page through the slice that binds the same database. */
  readonly sliceMs: number;
}

/**
 * Times the message page of `page_newest` (`getMessagePage`, newest 50 with their decorations)
 * over two handles on one database, inside a Worker: `direct` (its D1 binding) and `throughSlice`
 * (a slice bound to the same database, reached through a Worker binding, as the data path reaches
 * it). After a warm-up of each, `blocks` rounds each time a block of {@link SLICE_HOP_BLOCK} calls
 * on both, the first of the pair alternating, so drift on a shared machine weighs on both alike.
 * workerd's clock moves in whole milliseconds across I/O, so a single call (about a millisecond)
 * cannot be timed; a block's mean can. Answers the median block mean of each.
 */
export async function timeSliceHop(
  direct: WaddleDatabase,
  throughSlice: WaddleDatabase,
  parameters: BenchParameters,
  blocks: number,
): Promise<SliceHopTiming> {
  const paths = [
    { call: benchCase('page_newest', direct, parameters), means: [] as number[] },
    { call: benchCase('page_newest', throughSlice, parameters), means: [] as number[] },
  ];
  for (const { call } of paths) await warmUp(call, SLICE_HOP_BLOCK * 2);
  for (let block = 0; block < blocks; block++) {
    for (const path of block % 2 === 0 ? paths : [...paths].reverse()) {
      const started = performance.now();
      for (let call = 0; call < SLICE_HOP_BLOCK; call++) await path.call();
      path.means.push((performance.now() - started) / SLICE_HOP_BLOCK);
    }
  }
  return { directMs: median(paths[0]!.means), sliceMs: median(paths[1]!.means) };
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
