import type { Clock } from '@waddle/clock/clock';

/**
 * Cloudflare's API limit: 1,200 requests per five minutes per user or account token,
 * cumulatively; past it, every call is refused with HTTP 429 for the next five minutes
 * (developers.cloudflare.com/fundamentals/api/reference/limits).
 */
export const CLOUDFLARE_API_RATE_LIMIT = { requests: 1200, windowMs: 5 * 60_000, penaltyMs: 5 * 60_000 } as const;

/** A rate limit: `requests` per `windowMs`, then every call refused for `penaltyMs`. */
export interface RestRateLimit {
  readonly requests: number;
  readonly windowMs: number;
  readonly penaltyMs: number;
}

/** Whether a call may go through; if not, how many whole seconds until it may (`retry-after`). */
export type RateLimitDecision = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterSeconds: number };

/**
 * Holds each token to a {@link RestRateLimit}, on the injected clock: a call is admitted while
 * the token made fewer than `requests` admitted calls in the last `windowMs`; the call past
 * that is refused and opens a penalty of `penaltyMs`, during which every call is refused (and
 * counts for nothing). Once it ends, the window starts empty again.
 *
 * @example
 * ```ts
 * const limiter = new RestRateLimiter(CLOUDFLARE_API_RATE_LIMIT, clock.now);
 * const decision = limiter.admit(token);
 * if (!decision.admitted) return tooManyRequests(decision.retryAfterSeconds);
 * ```
 */
export class RestRateLimiter {
  readonly #limit: RestRateLimit;
  readonly #now: Clock;
  readonly #admitted = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(limit: RestRateLimit, now: Clock) {
    this.#limit = limit;
    this.#now = now;
  }

  /** Decides one call of `token`, and counts it when admitted. */
  admit(token: string): RateLimitDecision {
    const now = this.#now();
    const blockedUntil = this.#blockedUntil.get(token);
    if (blockedUntil !== undefined && now < blockedUntil) return refused(blockedUntil - now);
    if (blockedUntil !== undefined) {
      this.#blockedUntil.delete(token);
      this.#admitted.delete(token);
    }
    const recent = (this.#admitted.get(token) ?? []).filter((at) => at > now - this.#limit.windowMs);
    if (recent.length >= this.#limit.requests) {
      this.#blockedUntil.set(token, now + this.#limit.penaltyMs);
      this.#admitted.set(token, recent);
      return refused(this.#limit.penaltyMs);
    }
    recent.push(now);
    this.#admitted.set(token, recent);
    return { admitted: true };
  }
}

function refused(ms: number): RateLimitDecision {
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(ms / 1000)) };
}
