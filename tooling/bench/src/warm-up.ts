/** The most time spent warming up one case: for the slowest cases (hundreds of ms a call) one call is enough. */
const WARM_UP_BUDGET_MS = 250;

/**
 * Calls a case `count` times before it is timed, so that its first calls (statements compiled and
 * cached, the database file's pages read into memory, the JIT cold) do not weigh on its figure;
 * fewer once a quarter of a second has gone, but always once.
 */
export async function warmUp(call: () => unknown, count: number): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < Math.max(1, count); i++) {
    await call();
    if (performance.now() - started > WARM_UP_BUDGET_MS) return;
  }
}
