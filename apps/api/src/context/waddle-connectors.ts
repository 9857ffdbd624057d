import type { CloudflareApi } from '@waddle/d1/rest';
import { bindingConnector, type DatabaseConnector, restConnector } from '@waddle/registry/database-connectors';

/**
 * The D1 REST API of the account, when the Worker is configured for it (`CLOUDFLARE_API_BASE_URL`,
 * `CLOUDFLARE_ACCOUNT_ID`, `CLOUDFLARE_API_TOKEN`; locally `npm start` serves it), else `undefined`.
 */
export function cloudflareApiOf(env: Env): CloudflareApi | undefined {
  if (!env.CLOUDFLARE_ACCOUNT_ID || !env.CLOUDFLARE_API_TOKEN) return undefined;
  return {
    baseUrl: env.CLOUDFLARE_API_BASE_URL ?? 'https://api.cloudflare.com/client/v4',
    accountId: env.CLOUDFLARE_ACCOUNT_ID,
    apiToken: env.CLOUDFLARE_API_TOKEN,
  };
}

/**
 * How this Worker reaches a waddle's database, in order: its static binding named by the
 * registry's `d1_binding`, then the D1 REST API when configured.
 */
export function waddleConnectors(env: Env): DatabaseConnector[] {
  const api = cloudflareApiOf(env);
  return api ? [bindingConnector(env as unknown as Record<string, unknown>), restConnector(api)] : [bindingConnector(env as unknown as Record<string, unknown>)];
}
