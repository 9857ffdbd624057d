import { defineConfig } from 'vitest/config';

/**
 * The platform tools run in Node and reach real local D1 through Miniflare (workerd), so their
 * tests run in Node too. Each opens dozens of databases; give them time on a 2-core machine.
 */
export default defineConfig({ test: { environment: 'node', testTimeout: 180_000, hookTimeout: 180_000, fileParallelism: false } });
