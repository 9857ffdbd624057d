import type { D1DatabaseLike } from '@waddle/d1/database';
import { type CloudflareApi, restD1Database } from '@waddle/d1/rest';

/** Where the registry says a waddle's database is. */
export interface DatabaseLocation {
  readonly d1DatabaseId: string;
  /** The name of a Worker's static D1 binding for it, when the Worker has one. */
  readonly d1Binding: string | null;
  /**
   * The binding slice the data path reaches it through (`databases.slice`), when the directory
   * places it in one: then `sliceConnector` answers for it and `restConnector` never does.
   */
  readonly slice?: string | null;
}

/** Turns a database's location into a D1 database, or `undefined` when it cannot reach it. */
export type DatabaseConnector = (location: DatabaseLocation) => D1DatabaseLike | undefined;

/**
 * Inside a Worker: the static binding named by the directory row's `binding` (`locationOf`), when this Worker's
 * `env` has it. The fastest path, and bounded by how many bindings one Worker can declare.
 */
export function bindingConnector(env: Readonly<Record<string, unknown>>): DatabaseConnector {
  return ({ d1Binding }) => {
    const binding = d1Binding === null ? undefined : env[d1Binding];
    return isD1Database(binding) ? binding : undefined;
  };
}

/**
 * A database of the account that no slice reaches, over Cloudflare's D1 REST API: tools, and a
 * database not yet moved into a slice (`waddle slices rebalance`). A database the directory places
 * in a slice is never reached this way (the REST API allows 1,200 calls per five minutes for the
 * whole account): it gets `undefined`, so a Worker without a way to its slice answers that the
 * database is unavailable instead of sending its statements over REST.
 */
export function restConnector(api: CloudflareApi): DatabaseConnector {
  return ({ d1DatabaseId, slice }) => (slice ? undefined : restD1Database(api, d1DatabaseId));
}

function isD1Database(value: unknown): value is D1DatabaseLike {
  return typeof value === 'object' && value !== null && 'prepare' in value && 'batch' in value;
}
