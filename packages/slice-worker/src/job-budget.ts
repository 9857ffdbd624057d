import type { Clock } from '@waddle/clock/clock';
import { SLICE_JOB_MAX_MS, SLICE_JOB_MAX_QUERIES } from './slice-protocol.ts';

/**
 * What a job may still spend in this invocation: time (read from the injected clock) and D1
 * queries. A job asks before it starts a database and leaves the rest `not_started`.
 */
export class JobBudget {
  readonly #clock: Clock;
  readonly #deadline: number;
  #queriesLeft = SLICE_JOB_MAX_QUERIES;

  constructor(clock: Clock, budgetMs: number = SLICE_JOB_MAX_MS) {
    this.#clock = clock;
    this.#deadline = clock() + Math.min(Math.max(budgetMs, 0), SLICE_JOB_MAX_MS);
  }

  /** Whether there is time left and at least `queries` queries; if so they are spent. */
  spend(queries: number): boolean {
    if (this.#clock() >= this.#deadline || queries > this.#queriesLeft) return false;
    this.#queriesLeft -= queries;
    return true;
  }
}
