import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { dataPathConnectors } from '@waddle/registry/data-path-connectors';

/**
 * How this Worker reaches a waddle's database, in order (`dataPathConnectors`): its static binding
 * named by its directory row's `binding`; the binding slice the directory places it in, through the
 * `SLICES` dispatch namespace binding (locally `SLICES_DISPATCH_URL`); and only for a database no
 * slice reaches yet, the D1 REST API when configured (`cloudflareApiSettings`).
 */
export function waddleConnectors(env: Env): DatabaseConnector[] {
  return dataPathConnectors(env as unknown as Readonly<Record<string, unknown>>);
}
