/**
 * Counts the D1 queries of one invocation (every statement of a batch counts, central and waddle
 * databases alike) against a ceiling well under D1's 1,000 per Worker invocation, so a step stops
 * before it could be cut off.
 */
export class QueryBudget {
  readonly limit: number;
  #spent = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Records `count` queries sent. */
  spend(count: number): void {
    this.#spent += count;
  }

  /** Whether `count` more queries still fit. */
  allows(count: number): boolean {
    return this.#spent + count <= this.limit;
  }

  get spent(): number {
    return this.#spent;
  }
}
