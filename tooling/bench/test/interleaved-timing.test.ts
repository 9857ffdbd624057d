import { describe, expect, it } from 'vitest';
import { COMPARED_CASES, READ_CASES, timingGroups, WRITE_CASES, warmUpCalls } from '../src/bench-cases.ts';
import { mediansMs } from '../src/in-process-timing.ts';

describe('timing the compared cases in alternation', () => {
  it('warms each case up, then calls the cases in turn, one call each per round', async () => {
    const calls: string[] = [];
    const medians = await mediansMs({ page: () => calls.push('page'), raw: () => calls.push('raw') }, 4, 2);
    expect(calls).toEqual(['page', 'page', 'raw', 'raw', ...Array(4).fill(['page', 'raw']).flat()]);
    expect(Object.keys(medians)).toEqual(['page', 'raw']);
    for (const median of Object.values(medians)) expect(median).toBeGreaterThanOrEqual(0);
  });

  it('takes the median of each case on its own samples', async () => {
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    let call = 0;
    // The slow case takes 4 ms except on one round in five; the quick one never more than a fraction of one.
    const medians = await mediansMs({ slow: () => busy(++call % 5 === 0 ? 0 : 4), quick: () => busy(0.05) }, 15, 1);
    expect(medians.slow).toBeGreaterThanOrEqual(4);
    expect(medians.quick).toBeLessThan(medians.slow);
  });

  it('groups the compared cases into one run where the first of them stands, and times every other case alone', () => {
    const groups = timingGroups([...READ_CASES, ...WRITE_CASES]);
    expect(groups.filter((group) => group.length > 1)).toEqual([READ_CASES.filter((name) => COMPARED_CASES.includes(name))]);
    expect(groups.flat().sort()).toEqual([...READ_CASES, ...WRITE_CASES].sort());
    expect(groups.flat().indexOf('page_newest')).toBe(READ_CASES.indexOf('page_newest'));
    expect(timingGroups(['roundtrip', 'raw_page', 'search_rare'])).toEqual([['roundtrip'], ['raw_page'], ['search_rare']]);
  });

  it('warms a read up with a tenth of its timed calls (at least 5) and a write, which changes the data, with one', () => {
    expect(warmUpCalls('page_newest', 500)).toBe(50);
    expect(warmUpCalls('raw_page', 20)).toBe(5);
    expect(warmUpCalls('write_single', 500)).toBe(1);
    expect(warmUpCalls('erasure_optimize', 3)).toBe(1);
  });
});
