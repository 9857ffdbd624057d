import { createServer } from 'node:net';

/**
 * A TCP port of 127.0.0.1 that is free now (the system's pick for port 0), for a Worker a test
 * serves with `wrangler dev` beside other runs. Another process may take it before it is used;
 * `startWorker` then fails rather than reaching someone else's server.
 *
 * @example
 * ```ts
 * const worker = await startWorker('api', await freePort(), { persistTo: state });
 * ```
 */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}
