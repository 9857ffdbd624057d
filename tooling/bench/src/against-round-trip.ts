import { median, pairedBlockMeans } from './paired-blocks.ts';

/** A call timed side by side with the round trip (`timeAgainstRoundTrip`), in milliseconds per call. */
export interface RoundTripRatio {
  /** The call: its median block mean. */
  readonly ms: number;
  /** The round trip (`SELECT 1` through the same binding): its median block mean. */
  readonly roundTripMs: number;
  /** The median, over the rounds, of the call's block mean divided by the round trip's in the same round. */
  readonly roundTrips: number;
}

/**
 * Times `call` and `roundTrip` in `rounds` paired rounds (`pairedBlockMeans`) and answers how many
 * round trips the call costs, as the median of each round's ratio: both blocks of a round ran
 * within a second of each other, so a budget in round trips (issue 17's mention and follow cases)
 * holds the call to the round trip of the same moment, not to one timed minutes apart in another
 * state of the machine.
 */
export async function timeAgainstRoundTrip(
  call: () => Promise<unknown>,
  roundTrip: () => Promise<unknown>,
  rounds: number,
): Promise<RoundTripRatio> {
  const { first: calls, second: roundTrips } = await pairedBlockMeans(call, roundTrip, rounds);
  return {
    ms: median(calls),
    roundTripMs: median(roundTrips),
    roundTrips: median(calls.map((ms, round) => ms / roundTrips[round]!)),
  };
}
