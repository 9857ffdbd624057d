import { join } from 'node:path';
import { REPOSITORY_ROOT } from './repository-root.ts';

/**
 * Where every local D1 database lives: Miniflare's persistence root. It is the directory that
 * `wrangler dev --persist-to .wrangler/state` of both Workers uses (wrangler appends `v3`), so the
 * Workers see the databases this tool creates.
 */
export const LOCAL_STATE_DIRECTORY = join(REPOSITORY_ROOT, '.wrangler', 'state', 'v3');

/** The local central directory database's D1 id (the same id the Workers' wrangler configs bind). */
export const LOCAL_CENTRAL_DATABASE_ID = 'local-central';
