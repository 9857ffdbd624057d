import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector, DatabaseLocation } from './database-connectors.ts';

/**
 * The first connector's answer for a database's location (in the order given: a static binding,
 * then the REST API), or `undefined` when none reaches it. The one loop over connectors: the API,
 * the monitor, the privacy jobs and the resolver all reach databases through it.
 *
 * @example
 * ```ts
 * const database = reachDatabase([bindingConnector(env)], { d1DatabaseId: 'db-1', d1Binding: 'WADDLE_PENGUINS' });
 * ```
 */
export function reachDatabase(connectors: readonly DatabaseConnector[], location: DatabaseLocation): D1DatabaseLike | undefined {
  for (const connect of connectors) {
    const database = connect(location);
    if (database) return database;
  }
  return undefined;
}
