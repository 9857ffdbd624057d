/** The median of `runs` timings of `call` (after a warm-up), in milliseconds, by `performance.now()`. */
export async function medianMs(call: () => unknown, runs: number): Promise<number> {
  await call();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
