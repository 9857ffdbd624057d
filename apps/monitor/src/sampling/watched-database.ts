import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector, DatabaseLocation } from '@waddle/registry/database-connectors';

/** A database the monitor watches: the central one (`waddleId` null) or a waddle's, from the registry. */
export interface WatchedDatabase extends DatabaseLocation {
  readonly waddleId: number | null;
  /** The waddle's name, or `central`. */
  readonly name: string;
}

/**
 * The first connector's answer for a registry row (a static binding, then the REST API), or
 * `undefined` when none reaches it. A binding name is only ever read from the registry.
 *
 * @example
 * ```ts
 * const database = reachDatabase(dependencies.connectors, { d1DatabaseId: 'db-1', d1Binding: 'WADDLE_PENGUINS' });
 * ```
 */
export function reachDatabase(connectors: readonly DatabaseConnector[], location: DatabaseLocation): D1DatabaseLike | undefined {
  for (const connect of connectors) {
    const database = connect(location);
    if (database) return database;
  }
  return undefined;
}
