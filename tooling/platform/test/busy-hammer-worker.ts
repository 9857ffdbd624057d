import type { D1DatabaseLike } from '@waddle/d1/database';
import { retryWhenBusy } from '@waddle/d1/retry-when-busy';

/** What the test asks one workerd process to send at once. */
export interface HammerRequest {
  /** `write`: a batch inserting `n` then touching the row; `read`: a count. */
  readonly kind: 'write' | 'read';
  /** The values of `n` to write (one batch each), or how many reads (their length). */
  readonly values: readonly number[];
  /** Whether to send them through `retryWhenBusy`. */
  readonly retry: boolean;
  /** Which process this is, stored with each write. */
  readonly process: number;
}

/**
 * A Worker for the busy test: sends every statement of the request at once over its D1 binding,
 * as the api's and the monitor's `wrangler dev` do over central, and answers each outcome: `null`
 * when it landed, else the error's text. Run inside workerd, so the D1 binding is the real one
 * (Miniflare's Node-side proxy is not made for hundreds of concurrent calls).
 */
export default {
  async fetch(request: Request, env: { DB: D1DatabaseLike }): Promise<Response> {
    const { kind, values, retry, process } = (await request.json()) as HammerRequest;
    const database = retry ? retryWhenBusy(env.DB) : env.DB;
    const outcomes = await Promise.allSettled(
      values.map((n) =>
        kind === 'read'
          ? database.prepare('SELECT count(*) AS n FROM writes').first()
          : database.batch([
              database.prepare('INSERT INTO writes (process, n) VALUES (?, ?)').bind(process, n),
              database.prepare('UPDATE writes SET n = n WHERE id = last_insert_rowid()'),
            ]),
      ),
    );
    return Response.json(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? null : String(outcome.reason))));
  },
};
