import type { CloudflareApi } from '@waddle/d1/rest';

/** Cloudflare's API, where `CLOUDFLARE_API_BASE_URL` names none. */
export const DEFAULT_CLOUDFLARE_API_BASE_URL = 'https://api.cloudflare.com/client/v4';

/**
 * The account's Cloudflare API from a Worker's `env` or a process's environment: the account id
 * and token from `CLOUDFLARE_ACCOUNT_ID` and `CLOUDFLARE_API_TOKEN`, the base URL from
 * `CLOUDFLARE_API_BASE_URL` (default {@link DEFAULT_CLOUDFLARE_API_BASE_URL}; locally, the API
 * `npm start` serves). `undefined` when the id or the token is missing or empty. The one reader of
 * these settings, for both Workers and the command line.
 *
 * @example
 * ```ts
 * const api = cloudflareApiSettings(env);
 * const connectors = api ? [bindingConnector(env), restConnector(api)] : [bindingConnector(env)];
 * ```
 */
export function cloudflareApiSettings(settings: Readonly<Record<string, unknown>>): CloudflareApi | undefined {
  const text = (name: string) => (typeof settings[name] === 'string' && settings[name] !== '' ? settings[name] : undefined);
  const [accountId, apiToken] = [text('CLOUDFLARE_ACCOUNT_ID'), text('CLOUDFLARE_API_TOKEN')];
  if (!accountId || !apiToken) return undefined;
  return { baseUrl: text('CLOUDFLARE_API_BASE_URL') ?? DEFAULT_CLOUDFLARE_API_BASE_URL, accountId, apiToken };
}
