import { mkdir } from 'node:fs/promises';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { bindingNames, d1DatabasesOption, startLocalMiniflare } from './local-miniflare.ts';
import { LOCAL_STATE_DIRECTORY } from './local-state-directory.ts';

/** Open local D1 databases, by D1 database id, until `dispose()`. */
export interface LocalDatabases {
  get(databaseId: string): D1DatabaseLike;
  /** Where the databases are persisted. */
  readonly stateDirectory: string;
  dispose(): Promise<void>;
}

/**
 * Opens local D1 databases through Miniflare (the same SQLite engine as production, inside
 * workerd), persisted under one state directory. A database that does not exist yet is created
 * empty on first use.
 *
 * @example
 * ```ts
 * const local = await openLocalDatabases([LOCAL_CENTRAL_DATABASE_ID]);
 * const central = local.get(LOCAL_CENTRAL_DATABASE_ID);
 * ```
 */
export async function openLocalDatabases(
  databaseIds: readonly string[],
  stateDirectory: string = LOCAL_STATE_DIRECTORY,
): Promise<LocalDatabases> {
  await mkdir(stateDirectory, { recursive: true });
  const bindingOf = bindingNames(databaseIds);
  const miniflare = await startLocalMiniflare(d1DatabasesOption(bindingOf), stateDirectory);
  const databases = new Map<string, D1DatabaseLike>();
  for (const [id, binding] of Object.entries(bindingOf)) {
    databases.set(id, (await miniflare.getD1Database(binding)) as unknown as D1DatabaseLike);
  }
  return {
    stateDirectory,
    get: (databaseId) => {
      const database = databases.get(databaseId);
      if (!database) throw new Error(`local database ${databaseId} was not opened`);
      return database;
    },
    dispose: () => miniflare.dispose(),
  };
}
