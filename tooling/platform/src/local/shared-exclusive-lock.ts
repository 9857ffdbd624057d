/**
 * Many holders at once, or one alone: queries share it, reconfiguring workerd (which restarts
 * the process and would cut every request in flight) takes it alone. An exclusive holder waits
 * for the shared holders already inside to finish, and holds back new ones until it is done;
 * exclusive holders go one at a time, in the order they asked.
 *
 * @example
 * ```ts
 * const lock = new SharedExclusiveLock();
 * const rows = await lock.shared(() => runQuery());
 * await lock.exclusive(() => miniflare.setOptions(options));
 * ```
 */
export class SharedExclusiveLock {
  #sharedHolders = 0;
  #exclusiveQueue: Promise<void> = Promise.resolve();
  #exclusiveHeld: Promise<void> | undefined;
  #drained: (() => void) | undefined;

  /** Runs `work` beside other shared holders, once no exclusive holder is waiting or inside. */
  async shared<T>(work: () => Promise<T>): Promise<T> {
    while (this.#exclusiveHeld) await this.#exclusiveHeld;
    this.#sharedHolders += 1;
    try {
      return await work();
    } finally {
      this.#sharedHolders -= 1;
      if (this.#sharedHolders === 0) this.#drained?.();
    }
  }

  /** Runs `work` alone: after the shared holders inside have finished, before any new one starts. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const previous = this.#exclusiveQueue;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.#exclusiveQueue = previous.then(() => held);
    await previous;
    this.#exclusiveHeld = held;
    try {
      if (this.#sharedHolders > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
      this.#drained = undefined;
      return await work();
    } finally {
      this.#exclusiveHeld = undefined;
      release();
    }
  }
}
