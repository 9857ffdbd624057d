import { testClock } from '@waddle/clock/test-clock';
import { JobBudget } from '@waddle/slice-worker/job-budget';
import { SLICE_JOB_MAX_MS, SLICE_JOB_MAX_QUERIES } from '@waddle/slice-worker/slice-protocol';
import { describe, expect, it } from 'vitest';

describe('JobBudget', () => {
  it('stops a job at its time budget, read from the injected clock', () => {
    const clock = testClock();
    const budget = new JobBudget(clock.now, 100);
    expect(budget.spend(1)).toBe(true);
    clock.advance(99);
    expect(budget.spend(1)).toBe(true);
    clock.advance(1);
    expect(budget.spend(1)).toBe(false);
  });

  it('never allows more than the maximum time or the queries of one invocation', () => {
    const clock = testClock();
    const budget = new JobBudget(clock.now, 10 * SLICE_JOB_MAX_MS);
    expect(budget.spend(SLICE_JOB_MAX_QUERIES - 1)).toBe(true);
    expect(budget.spend(2)).toBe(false);
    expect(budget.spend(1)).toBe(true);
    expect(budget.spend(1)).toBe(false);
    const timed = new JobBudget(clock.now, 10 * SLICE_JOB_MAX_MS);
    clock.advance(SLICE_JOB_MAX_MS);
    expect(timed.spend(1)).toBe(false);
  });
});
