import type { D1DatabaseLike } from '@waddle/d1/database';
import { retryWhenBusy } from '@waddle/d1/retry-when-busy';
import { type DirectoryDatabase, openDirectoryDatabase } from '@waddle/directory-queries/directory-database';
import { type WaddleForCaller, waddleForCallerQuery } from '@waddle/directory-queries/waddles/waddle-for-caller';
import { type LaterMessageShard, readLaterMessageShards } from '@waddle/directory-queries/waddles/later-message-shards';
import { type ShardedWaddle, shardedWaddle } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase, type WaddleDatabase } from '@waddle/queries/waddle-database';
import type { DatabaseLocation } from '@waddle/registry/database-connectors';
import { reachDatabase } from '@waddle/registry/reach-database';
import { ApiError } from '../http/api-error.ts';
import type { DatabaseSessions } from './database-sessions.ts';
import { waddleConnectors } from './waddle-connectors.ts';

/** The authenticated user of a request. */
export interface Caller {
  readonly id: number;
  readonly username: string;
}

/** Everything a handler works with, built once per request. */
export interface RequestContext {
  readonly env: Env;
  readonly request: Request;
  /** The request's clock (ms since the epoch): one value for every decision of a request. */
  readonly now: number;
  /** The central database, in this request's D1 session (for the privacy and provisioning packages, which take D1 itself). */
  readonly central: D1DatabaseLike;
  /** The same central database and session, for the directory queries. */
  readonly directory: DirectoryDatabase;
  /** The authenticated caller (routes marked public have none and must not ask). */
  readonly caller: Caller;
  /** A waddle's registry row and the caller's membership (read with the caller when the path names the waddle). */
  waddleRow(waddleId: number): Promise<WaddleForCaller | null>;
  /** A waddle's database, found by its registry location, in this request's D1 session. */
  waddleDatabase(waddleId: number, location: DatabaseLocation): WaddleDatabase;
  /**
   * The waddle's primary with its later message shards (the registry row's `message_shards`),
   * each opened through the same connectors in its own D1 session. Runs no SQL; a waddle without
   * shards is its primary alone. 503 `waddle_unavailable` when a shard cannot be reached.
   */
  shardedWaddle(primary: WaddleDatabase, later: readonly LaterMessageShard[]): ShardedWaddle;
  /**
   * The same after reading the shard map again (one central statement, `readLaterMessageShards`):
   * for a post whose shard was sealed under it by a switch.
   */
  rereadShardedWaddle(waddleId: number, primary: WaddleDatabase): Promise<ShardedWaddle>;
}

/** A waddle's registry row read ahead (null: no such waddle). */
export interface PreloadedWaddle {
  readonly waddleId: number;
  readonly row: WaddleForCaller | null;
}

/**
 * Builds the context of one request; `setCaller` records the caller once authenticated, with the
 * registry row of the waddle the path names when it was read in the same round trip.
 */
export function createRequestContext(
  env: Env,
  request: Request,
  sessions: DatabaseSessions,
  now: number,
): { context: RequestContext; setCaller(caller: Caller, preloaded?: PreloadedWaddle): void } {
  const connectors = waddleConnectors(env);
  // Locally the monitor's wrangler dev writes the same central file (see retryWhenBusy).
  const central = retryWhenBusy(sessions.open('central', env.CENTRAL_DB));
  const directory = openDirectoryDatabase(central);
  let caller: Caller | undefined;
  let preloadedWaddle: PreloadedWaddle | undefined;
  const context: RequestContext = {
    env,
    request,
    now,
    central,
    directory,
    get caller(): Caller {
      if (!caller) throw new ApiError(401, 'unauthenticated', 'this endpoint needs a bearer token');
      return caller;
    },
    async waddleRow(waddleId) {
      if (preloadedWaddle?.waddleId === waddleId) return preloadedWaddle.row;
      return (await waddleForCallerQuery(directory.db, context.caller.id, waddleId).executeTakeFirst()) ?? null;
    },
    waddleDatabase(waddleId, location) {
      const database = reachDatabase(connectors, location);
      if (database) return openWaddleDatabase(sessions.open(`waddle:${waddleId}`, database));
      throw new ApiError(503, 'waddle_unavailable', `the database of waddle ${waddleId} cannot be reached from this Worker`);
    },
    shardedWaddle(primary, later) {
      if (later.length === 0) return shardedWaddle(primary);
      return shardedWaddle(
        primary,
        later.map((shard) => {
          const database = reachDatabase(connectors, shard);
          if (!database)
            throw new ApiError(
              503,
              'waddle_unavailable',
              `a message shard of this waddle (${shard.d1DatabaseId}) cannot be reached from this Worker`,
            );
          return {
            firstMessageId: shard.firstMessageId,
            waddle: openWaddleDatabase(sessions.open(`shard:${shard.directoryId}`, database)),
          };
        }),
      );
    },
    async rereadShardedWaddle(waddleId, primary) {
      return context.shardedWaddle(primary, await readLaterMessageShards(directory.db, waddleId));
    },
  };
  return {
    context,
    setCaller(authenticated, preloaded) {
      caller = authenticated;
      preloadedWaddle = preloaded;
    },
  };
}
