import type { D1DatabaseLike } from '@waddle/d1/database';
import type { SliceDispatcher } from '@waddle/slice-worker/slice-dispatcher';
import type { DatabaseTarget } from './database-target.ts';

/**
 * A target made of a Worker's D1 bindings (`bindingOf` maps a D1 id to its binding name): how
 * the fan-out runs inside workerd, next to the databases, instead of crossing from Node for
 * every statement. Creating and deleting databases is not possible from bindings. With a
 * `sliceDispatcher`, the databases the directory places in slices are migrated by their slices
 * and need no binding here.
 */
export function bindingTarget(
  env: Readonly<Record<string, unknown>>,
  bindingOf: Readonly<Record<string, string>>,
  centralDatabaseId: string,
  options: { readonly sliceDispatcher?: SliceDispatcher } = {},
): DatabaseTarget {
  const get = (databaseId: string) => {
    const binding = bindingOf[databaseId];
    const database = binding === undefined ? undefined : env[binding];
    if (!database) throw new Error(`no binding for database ${databaseId}`);
    return database as D1DatabaseLike;
  };
  return {
    name: 'local',
    centralDatabaseId,
    ...(options.sliceDispatcher ? { sliceDispatcher: options.sliceDispatcher } : {}),
    open: async () => ({ get, dispose: async () => {} }),
    createDatabase: async () => {
      throw new Error('databases cannot be created from Worker bindings');
    },
    deleteDatabase: async () => {
      throw new Error('databases cannot be deleted from Worker bindings');
    },
  };
}
