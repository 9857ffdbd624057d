import { DEFAULT_MAX_TOKEN_LIFETIME_SECONDS } from '@waddle/auth-token/access-token';

/** The longest `AUTH_MAX_TOKEN_LIFETIME_SECONDS` accepted: a year. */
const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;

/**
 * The longest lifetime an access token may claim, from the Worker's `AUTH_MAX_TOKEN_LIFETIME_SECONDS`
 * var (seconds, an integer from 60 to 31,536,000; default 604,800, 7 days): a token whose `exp`
 * lies further from now, or from its `iat`, is refused with 401. Reads no database.
 *
 * @throws {Error} naming the variable, when it is set to anything else.
 *
 * @example
 * ```ts
 * maxTokenLifetimeSeconds(env); // 604800 with wrangler.jsonc's value
 * ```
 */
export function maxTokenLifetimeSeconds(env: { readonly AUTH_MAX_TOKEN_LIFETIME_SECONDS?: string | number }): number {
  const raw = env.AUTH_MAX_TOKEN_LIFETIME_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  const seconds = Number(raw);
  if (!Number.isSafeInteger(seconds) || seconds < 60 || seconds > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new Error(
      `AUTH_MAX_TOKEN_LIFETIME_SECONDS: expected a whole number of seconds from 60 to ${MAX_TOKEN_LIFETIME_SECONDS}, got ${JSON.stringify(raw)}`,
    );
  }
  return seconds;
}
