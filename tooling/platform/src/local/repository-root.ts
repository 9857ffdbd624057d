import { resolve } from 'node:path';

/** The repository's root directory: where `.wrangler/` (local state, logs, local secrets) and `apps/` are. */
export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../../../..');
