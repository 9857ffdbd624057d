import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { sliceD1Database } from '@waddle/slice-worker/slice-d1-database';
import { type BenchCase, type BenchParameters, benchCase, warmUpCalls } from './bench-cases.ts';
import { type RoundTripRatio, timeAgainstRoundTrip } from './against-round-trip.ts';
import type { MentionCase } from './mention-cases.ts';
import { type SliceHopTiming, timeSliceHop } from './slice-hop.ts';
import { warmUp } from './warm-up.ts';

interface Env {
  DB: D1Database;
  /** The slice that binds the same database, beside this Worker in workerd (a service binding, as the local API reaches its slices). */
  SLICE: Fetcher;
}

/** What the command asks the Worker: cases timed together, `calls` each, in alternation. */
export interface BenchRequest {
  readonly names: readonly BenchCase[];
  readonly calls: number;
  readonly parameters: BenchParameters;
}

/** Milliseconds spent in each case over its `calls` calls. */
export interface BenchAnswer {
  readonly totalMs: Partial<Record<BenchCase, number>>;
}

/** What `POST /slice-hop` asks: the page timed through the binding and through the slice, `blocks` blocks each. */
export interface SliceHopRequest {
  readonly blocks: number;
  readonly parameters: BenchParameters;
  /** The slice's name and the D1 id it binds the database under. */
  readonly slice: string;
  readonly database: string;
}

export type SliceHopAnswer = SliceHopTiming;

/** What `POST /against-round-trip` asks: each case timed side by side with the round trip, `rounds` paired rounds each. */
export interface AgainstRoundTripRequest {
  readonly names: readonly MentionCase[];
  readonly rounds: number;
  readonly parameters: BenchParameters;
}

export type AgainstRoundTripAnswer = Partial<Record<MentionCase, RoundTripRatio>>;

/**
 * The Worker that times the cases inside workerd, against the D1 binding: what a Worker would
 * wait. Each case is first warmed up ({@link warmUpCalls}), then the cases of one request are called in turn, one call
 * each per round, for `calls` rounds, so that whatever else the machine does meanwhile weighs on
 * all of them alike. The clock of workerd advances only across I/O and in whole milliseconds: each
 * call is timed from the end of the previous one's I/O to the end of its own, so the times of all
 * calls add up to the whole run and the rounding evens out over many calls.
 *
 * `POST /slice-hop` times the newest page through `DB` and through the slice behind `SLICE`
 * (`timeSliceHop`): `fleet.slice_hop_ms`. `POST /against-round-trip` times each mention and follow
 * case beside the round trip (`timeAgainstRoundTrip`): their budgets.
 */
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === '/slice-hop') {
      const { blocks, parameters, slice, database } = (await request.json()) as SliceHopRequest;
      const throughSlice = openWaddleDatabase(sliceD1Database({ get: () => env.SLICE }, { slice, database }));
      return Response.json((await timeSliceHop(openWaddleDatabase(env.DB), throughSlice, parameters, blocks)) satisfies SliceHopAnswer);
    }
    const waddle = openWaddleDatabase(env.DB);
    if (pathname === '/against-round-trip') {
      const { names, rounds, parameters } = (await request.json()) as AgainstRoundTripRequest;
      const roundTrip = benchCase('roundtrip', waddle, parameters);
      const answer: AgainstRoundTripAnswer = {};
      for (const name of names) answer[name] = await timeAgainstRoundTrip(benchCase(name, waddle, parameters), roundTrip, rounds);
      return Response.json(answer satisfies AgainstRoundTripAnswer);
    }
    const { names, calls, parameters } = (await request.json()) as BenchRequest;
    const cases = names.map((name) => ({ name, call: benchCase(name, waddle, parameters), totalMs: 0 }));
    for (const { name, call } of cases) await warmUp(call, warmUpCalls(name, calls));
    for (let round = 0; round < calls; round++) {
      for (const timed of cases) {
        const started = performance.now();
        await timed.call();
        timed.totalMs += performance.now() - started;
      }
    }
    return Response.json({ totalMs: Object.fromEntries(cases.map(({ name, totalMs }) => [name, totalMs])) } satisfies BenchAnswer);
  },
} satisfies ExportedHandler<Env>;
