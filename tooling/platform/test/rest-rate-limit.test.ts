import { testClock } from '@waddle/clock/test-clock';
import { describe, expect, it } from 'vitest';
import { CLOUDFLARE_API_RATE_LIMIT, RestRateLimiter } from '../src/local/rest-rate-limit.ts';

const MINUTE = 60_000;

describe('RestRateLimiter', () => {
  it('counts a sliding window of five minutes per token: calls older than the window no longer count', () => {
    const clock = testClock();
    const limiter = new RestRateLimiter(CLOUDFLARE_API_RATE_LIMIT, clock.now);
    for (let index = 0; index < 600; index += 1) expect(limiter.admit('a').admitted).toBe(true);
    clock.advance(4 * MINUTE);
    for (let index = 0; index < 600; index += 1) expect(limiter.admit('a').admitted).toBe(true);
    expect(limiter.admit('b').admitted).toBe(true);
    clock.advance(MINUTE);
    // The first 600 were made exactly five minutes ago: they have left the window.
    expect(limiter.admit('a').admitted).toBe(true);
  });

  it('refuses the call past the limit, then every call for the penalty, however the window moves', () => {
    const clock = testClock();
    const limiter = new RestRateLimiter({ requests: 3, windowMs: 10_000, penaltyMs: 60_000 }, clock.now);
    for (let index = 0; index < 3; index += 1) expect(limiter.admit('a')).toEqual({ admitted: true });
    expect(limiter.admit('a')).toEqual({ admitted: false, retryAfterSeconds: 60 });
    clock.advance(30_000);
    expect(limiter.admit('a')).toEqual({ admitted: false, retryAfterSeconds: 30 });
    expect(limiter.admit('other')).toEqual({ admitted: true });
    clock.advance(29_999);
    expect(limiter.admit('a')).toEqual({ admitted: false, retryAfterSeconds: 1 });
    clock.advance(1);
    expect(limiter.admit('a')).toEqual({ admitted: true });
  });
});
