/** What a bounded load run measured. */
export interface LoadResult {
  readonly requests: number;
  /** Answers that were not the expected status, and requests that failed outright. */
  readonly errors: number;
  /** The first unexpected answer, to say why. */
  readonly firstError: string | null;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * A closed-loop load run: `concurrency` clients each send a request, wait for its answer (body
 * read), and send the next, until `requests` have been sent in all. Latency is per request,
 * from send to the last byte; throughput is requests over the wall time of the whole run.
 */
export async function runLoad(
  send: (index: number) => Promise<Response>,
  options: { readonly requests: number; readonly concurrency: number; readonly expectStatus: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const started = performance.now();
  const client = async () => {
    while (next < options.requests) {
      const index = next++;
      const sent = performance.now();
      try {
        const response = await send(index);
        const body = await response.text();
        if (response.status !== options.expectStatus) {
          errors++;
          firstError ??= `${response.status} ${body.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] ?? 0;
  return {
    requests: latencies.length,
    errors,
    firstError,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
  };
}
