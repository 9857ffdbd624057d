import { defineConfig } from 'vitest/config';

/** Type generation runs in Node (it needs node:sqlite and the file system), not in workerd. */
export default defineConfig({ test: { environment: 'node', testTimeout: 30_000 } });
