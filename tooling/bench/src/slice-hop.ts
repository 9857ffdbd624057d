import { type BenchParameters, benchCase } from './bench-cases.ts';
import type { WaddleDatabase } from '@waddle/queries/waddle-database';
import { warmUp } from './warm-up.ts';

/**
 * Calls per timed block of {@link timeSliceHop}: workerd's whole-millisecond clock resolves a
 * block's mean to 1/50 ms (with blocks of 10 it was 0.1 ms, and one run's hop jumped between 0.4
 * and 0.8 ms on the same code).
 */
export const SLICE_HOP_BLOCK = 50;

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
 * it). After a warm-up of each, `blocks` rounds each time a block of {@link SLICE_HOP_BLOCK} calls
 * on both, the first of the pair alternating, so drift on a shared machine weighs on both alike.
 * workerd's clock moves in whole milliseconds across I/O, so a single call (about a millisecond)
 * cannot be timed; a block's mean can. Answers the median block mean of each, and the hop as the
 * median of the rounds' differences, so that a slow stretch of the machine, which lengthens both
 * blocks of its round, does not move it.
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
  const [binding, slice] = paths.map((path) => path.means) as [number[], number[]];
  return { directMs: median(binding), sliceMs: median(slice), hopMs: median(slice.map((ms, round) => ms - binding[round]!)) };
}

function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
