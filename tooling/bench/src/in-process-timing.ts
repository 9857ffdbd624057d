import { warmUp } from './warm-up.ts';

/**
 * The median of `runs` timings of each case, in milliseconds, by `performance.now()`. Each case is
 * warmed up first (`warmUpCalls` calls, a tenth of the runs and at least 5 by default); then the
 * cases are called in turn, one call each per round, so that drift on a shared machine (another
 * process taking a core for a while) weighs on all of them alike and their ratios hold.
 */
export async function mediansMs<Name extends string>(
  cases: Readonly<Record<Name, () => unknown>>,
  runs: number,
  warmUpCalls = Math.max(5, Math.ceil(runs / 10)),
): Promise<Record<Name, number>> {
  const timed = (Object.entries(cases) as [Name, () => unknown][]).map(([name, call]) => ({ name, call, samples: [] as number[] }));
  for (const { call } of timed) await warmUp(call, warmUpCalls);
  for (let round = 0; round < runs; round++) {
    for (const { call, samples } of timed) {
      const started = performance.now();
      await call();
      samples.push(performance.now() - started);
    }
  }
  return Object.fromEntries(timed.map(({ name, samples }) => [name, median(samples)])) as Record<Name, number>;
}

/** The median of `runs` timings of `call` after a warm-up, in milliseconds ({@link mediansMs} of one case). */
export async function medianMs(call: () => unknown, runs: number): Promise<number> {
  return (await mediansMs({ call }, runs)).call;
}

function median(samples: number[]): number {
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
