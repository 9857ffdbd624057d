import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { bindingNames, d1DatabasesOption, startLocalMiniflare } from './local-miniflare.ts';
import { REPOSITORY_ROOT } from './repository-root.ts';

/**
 * Where every local D1 database lives: Miniflare's persistence root. It is the directory that
 * `wrangler dev --persist-to .wrangler/state` of both Workers uses (wrangler appends `v3`), so the
 * Workers see the databases this tool creates.
 */
export const LOCAL_STATE_DIRECTORY = join(REPOSITORY_ROOT, '.wrangler', 'state', 'v3');

/** The local central directory database's D1 id (the same id the Workers' wrangler configs bind). */
export const LOCAL_CENTRAL_DATABASE_ID = 'local-central';

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
