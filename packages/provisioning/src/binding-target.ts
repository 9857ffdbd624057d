import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseTarget } from './database-target.ts';

/**
 * A target made of a Worker's D1 bindings (`bindingOf` maps a D1 id to its binding name): how
 * the fan-out runs inside workerd, next to the databases, instead of crossing from Node for
 * every statement. Creating and deleting databases is not possible from bindings.
 */
export function bindingTarget(
  env: Readonly<Record<string, unknown>>,
  bindingOf: Readonly<Record<string, string>>,
  centralDatabaseId: string,
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
    open: async () => ({ get, dispose: async () => {} }),
    createDatabase: async () => {
      throw new Error('databases cannot be created from Worker bindings');
    },
    deleteDatabase: async () => {
      throw new Error('databases cannot be deleted from Worker bindings');
    },
  };
}
