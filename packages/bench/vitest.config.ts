import { defineConfig } from 'vitest/config';

/** The benchmark runs in Node (node:sqlite, Miniflare, wrangler dev), so its tests do too. */
export default defineConfig({ test: { environment: 'node', testTimeout: 60_000 } });
