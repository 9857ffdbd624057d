import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { type BenchCase, type BenchParameters, benchCase } from './bench-cases.ts';

interface Env {
  DB: D1Database;
}

/**
 * The Worker that times the cases inside workerd, against the D1 binding: what a Worker would
 * wait. The clock of workerd advances only across I/O and in whole milliseconds, so a case is
 * called `calls` times in a row and the total is divided by the number of calls.
 */
export default {
  async fetch(request, env) {
    const { name, calls, parameters } = (await request.json()) as { name: BenchCase; calls: number; parameters: BenchParameters };
    const call = benchCase(name, openWaddleDatabase(env.DB), parameters);
    await call();
    const started = performance.now();
    for (let i = 0; i < calls; i++) await call();
    return Response.json({ totalMs: performance.now() - started, calls });
  },
} satisfies ExportedHandler<Env>;
