import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector, DatabaseLocation } from './database-connectors.ts';
import { locationOf } from './database-directory-row.ts';
import { directoryKysely } from './directory-kysely.ts';
import { reachDatabase } from './reach-database.ts';

/** The registry has no waddle with this id. */
export class UnknownWaddleError extends Error {
  override readonly name = 'UnknownWaddleError';
  readonly waddleId: number;

  constructor(waddleId: number) {
    super(`no waddle ${waddleId} in the registry`);
    this.waddleId = waddleId;
  }
}

/** The waddle exists but none of the connectors can reach its database. */
export class UnreachableDatabaseError extends Error {
  override readonly name = 'UnreachableDatabaseError';
  readonly location: DatabaseLocation;

  constructor(waddleId: number, location: DatabaseLocation) {
    super(
      `waddle ${waddleId}: no connector reaches database ${location.d1DatabaseId}${location.d1Binding ? ` (binding ${location.d1Binding})` : ''}`,
    );
    this.location = location;
  }
}

export interface WaddleDatabaseResolver {
  /** The D1 database of a waddle, found through the central registry. */
  resolve(waddleId: number): Promise<D1DatabaseLike>;
}

/**
 * The one way to find a waddle's database: its registry row in the central database and the
 * directory row of its primary database, then the first connector that reaches it: a static binding inside a Worker, Miniflare locally, the REST
 * API for tools. No code builds a binding name from a waddle id (`env[\`WADDLE_DB_${id}\`]`), so
 * adding a waddle never needs a redeploy. Locations are cached for the resolver's lifetime.
 *
 * ```sql
 * SELECT d.d1_database_id, d.slice, d.binding FROM waddles w JOIN databases d ON d.id = w.primary_database_id WHERE w.id = ?
 * ```
 *
 * @example
 * ```ts
 * const resolver = createWaddleDatabaseResolver(env.CENTRAL_DB, [bindingConnector(env), restConnector(api)]);
 * const waddle = openWaddleDatabase(await resolver.resolve(waddleId));
 * ```
 */
export function createWaddleDatabaseResolver(central: D1DatabaseLike, connectors: readonly DatabaseConnector[]): WaddleDatabaseResolver {
  const cache = new Map<number, D1DatabaseLike>();
  return {
    async resolve(waddleId) {
      const cached = cache.get(waddleId);
      if (cached) return cached;
      const { sql, parameters } = directoryKysely
        .selectFrom('waddles as w')
        .innerJoin('databases as d', 'd.id', 'w.primary_database_id')
        .select(['d.d1_database_id', 'd.slice', 'd.binding'])
        .where('w.id', '=', waddleId)
        .compile();
      const row = await central
        .prepare(sql)
        .bind(...parameters)
        .first<{ d1_database_id: string; slice: string | null; binding: string | null }>();
      if (!row) throw new UnknownWaddleError(waddleId);
      const location = locationOf(row);
      const database = reachDatabase(connectors, location);
      if (!database) throw new UnreachableDatabaseError(waddleId, location);
      cache.set(waddleId, database);
      return database;
    },
  };
}
