const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Waits for Ctrl-C (SIGINT) or SIGTERM, runs `stop` once, and resolves with the signal when it is
 * done, so the command ends with its own exit code (0) instead of dying of the signal. A signal
 * that comes again is ignored, while stopping and after: under `npm start` every Ctrl-C arrives
 * twice (from the terminal, and forwarded by npm to its script), and the second would otherwise
 * kill the process half-way through stopping, which npm and pnpm report as a failure. It takes the
 * signals over from every other listener (Miniflare's own exits the process at once).
 *
 * @example
 * ```ts
 * await untilStopSignal(() => server.close());
 * ```
 */
export function untilStopSignal(stop: () => Promise<void>): Promise<NodeJS.Signals> {
  return new Promise((resolve, reject) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      stop().then(() => resolve(signal), reject);
    };
    for (const signal of STOP_SIGNALS) {
      process.removeAllListeners(signal);
      process.on(signal, onSignal);
    }
  });
}
