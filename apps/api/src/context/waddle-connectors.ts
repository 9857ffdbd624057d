import { cloudflareApiSettings } from '@waddle/registry/cloudflare-api-settings';
import { bindingConnector, type DatabaseConnector, restConnector } from '@waddle/registry/database-connectors';

/**
 * How this Worker reaches a waddle's database, in order: its static binding named by the
 * registry's `d1_binding`, then the D1 REST API when configured (`cloudflareApiSettings`).
 */
export function waddleConnectors(env: Env): DatabaseConnector[] {
  const settings = env as unknown as Readonly<Record<string, unknown>>;
  const api = cloudflareApiSettings(settings);
  return api ? [bindingConnector(settings), restConnector(api)] : [bindingConnector(settings)];
}
