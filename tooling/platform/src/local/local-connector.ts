import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import type { OpenDatabases } from '@waddle/provisioning/database-target';

/** For tools on the local target: the Miniflare databases already opened, by D1 id. */
export function localConnector(opened: OpenDatabases): DatabaseConnector {
  return ({ d1DatabaseId }) => {
    try {
      return opened.get(d1DatabaseId);
    } catch {
      return undefined;
    }
  };
}
