/**
 * Where "now" comes from: milliseconds since the Unix epoch, UTC. Every handler, job and command
 * takes one clock and passes the time it reads to everything it calls, so a test can hand the
 * same code a clock of its own.
 */
export type Clock = () => number;

/**
 * The machine's clock: the one place in the product that reads the system time. Worker entries
 * and command-line commands pass it into the code they run; nothing else calls `Date.now()`.
 *
 * @example
 * ```ts
 * export default { fetch: (request, env) => handleRequest(router, request, env, systemClock) };
 * ```
 */
export const systemClock: Clock = () => Date.now();
