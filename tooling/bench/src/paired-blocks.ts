import { warmUp } from './warm-up.ts';

/**
 * Calls per timed block of {@link pairedBlockMeans}: workerd's whole-millisecond clock resolves a
 * block's mean to 1/50 ms (with blocks of 10 it was 0.1 ms, and one run's slice hop jumped between
 * 0.4 and 0.8 ms on the same code).
 */
export const PAIRED_BLOCK_CALLS = 50;

/** The mean milliseconds per call of each block of two calls timed side by side, round by round. */
export interface PairedBlockMeans {
  readonly first: readonly number[];
  readonly second: readonly number[];
}

/**
 * Times two calls side by side: after a warm-up of each (two blocks' worth), `rounds` rounds each
 * time one block of {@link PAIRED_BLOCK_CALLS} sequential calls of both, the first of the pair
 * alternating from round to round, so that drift on a shared machine weighs on both alike. workerd's
 * clock moves in whole milliseconds across I/O, so a single call of about a millisecond cannot be
 * timed there; a block's mean can. Answers each block's mean per call, in round order, so that a
 * figure comparing the two (a difference, a ratio) is taken within each round and a slow stretch
 * of the machine, which lengthens both blocks of its round, does not move it.
 */
export async function pairedBlockMeans(
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  rounds: number,
): Promise<PairedBlockMeans> {
  const paths = [
    { call: first, means: [] as number[] },
    { call: second, means: [] as number[] },
  ];
  for (const { call } of paths) await warmUp(call, PAIRED_BLOCK_CALLS * 2);
  for (let round = 0; round < rounds; round++) {
    for (const path of round % 2 === 0 ? paths : [...paths].reverse()) {
      const started = performance.now();
      for (let call = 0; call < PAIRED_BLOCK_CALLS; call++) await path.call();
      path.means.push((performance.now() - started) / PAIRED_BLOCK_CALLS);
    }
  }
  const [{ means: firstMeans }, { means: secondMeans }] = paths as [(typeof paths)[0], (typeof paths)[0]];
  return { first: firstMeans, second: secondMeans };
}

/** The median of `values` (the mean of the middle two for an even count); `NaN` for none. */
export function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
