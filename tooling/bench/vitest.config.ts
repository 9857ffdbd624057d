import { defineConfig } from 'vitest/config';

/**
 * The benchmark's tests build a synthetic waddle in Node (node:sqlite, as `pnpm bench` does) and
 * read it through real local D1 (Miniflare, workerd), and run its command line, so they run in Node like the
 * platform's.
 */
export default defineConfig({ test: { environment: 'node', testTimeout: 300_000, hookTimeout: 300_000, fileParallelism: false } });
