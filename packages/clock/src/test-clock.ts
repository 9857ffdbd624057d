import type { Clock } from './clock.ts';

/** A clock a test reads and moves; hand `now` to all the code the test exercises. */
export interface TestClock {
  /** The clock's current time, as a {@link Clock}. */
  readonly now: Clock;
  /** Moves the clock forward (or back, for a negative `ms`) and returns the new time. */
  advance(ms: number): number;
  /** Sets the clock to `at` and returns it. */
  set(at: number): number;
}

/**
 * The clock of a test: it starts at the real now, so the test means the same on any day it runs,
 * and moves only when the test moves it. A test that needs a calendar date pins it
 * (`testClock({ pinnedAt: Date.UTC(2024, 1, 29) })`) and must then pass this clock to every piece
 * of code it exercises; the repository's clock check refuses a fixed date anywhere else in a test.
 *
 * @example
 * ```ts
 * const clock = testClock();
 * await runSamplingTick(central, { ...dependencies, now: clock.now }, config);
 * clock.advance(5 * 60_000);
 * ```
 */
export function testClock(options: { readonly pinnedAt?: number } = {}): TestClock {
  let current = options.pinnedAt ?? Date.now();
  return {
    now: () => current,
    advance: (ms) => (current += ms),
    set: (at) => (current = at),
  };
}
