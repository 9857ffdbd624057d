import { describe, expect, it } from 'vitest';
import { timeAgainstRoundTrip } from '../src/against-round-trip.ts';
import { mentionBudgetLines, mentionBudgets } from '../src/mention-budgets.ts';
import { median, PAIRED_BLOCK_CALLS, pairedBlockMeans } from '../src/paired-blocks.ts';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('paired blocks', () => {
  it('warms both calls up, then times one block of each per round, the first of the pair alternating', async () => {
    const calls: string[] = [];
    const means = await pairedBlockMeans(
      async () => calls.push('a'),
      async () => calls.push('b'),
      3,
    );
    const block = (label: string) => Array(PAIRED_BLOCK_CALLS).fill(label);
    expect(calls).toEqual([
      ...Array(PAIRED_BLOCK_CALLS * 2).fill('a'),
      ...Array(PAIRED_BLOCK_CALLS * 2).fill('b'),
      ...block('a'),
      ...block('b'),
      ...block('b'),
      ...block('a'),
      ...block('a'),
      ...block('b'),
    ]);
    expect(means.first).toHaveLength(3);
    expect(means.second).toHaveLength(3);
  });

  it('takes the median of an odd and of an even number of values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('counts a call in round trips of the same rounds', async () => {
    const timed = await timeAgainstRoundTrip(
      async () => busy(0.4),
      async () => busy(0.2),
      5,
    );
    expect(timed.ms).toBeGreaterThanOrEqual(0.4);
    expect(timed.roundTripMs).toBeGreaterThanOrEqual(0.2);
    expect(timed.roundTrips).toBeGreaterThan(1.4);
    expect(timed.roundTrips).toBeLessThan(3);
  });
});

describe('the mention and follow budgets', () => {
  it('meets a case at two round trips or fewer and misses it above, whatever the milliseconds', () => {
    const budgets = mentionBudgets({
      mentions_inbox: { ms: 3.2, roundTripMs: 1.6, roundTrips: 2 },
      mentions_unread: { ms: 3.3, roundTripMs: 1.6, roundTrips: 2.06 },
    });
    expect(budgets.map(({ key, met }) => [key, met])).toEqual([
      ['mentions.inbox_ms', true],
      ['mentions.unread_ms', false],
    ]);
    expect(mentionBudgetLines(budgets)[1]).toBe(
      'mentions.unread_ms 2.060 round trips (3.300 ms beside a round trip of 1.600 ms), budget 2: MISSED',
    );
    expect(mentionBudgets({})).toEqual([]);
  });
});
