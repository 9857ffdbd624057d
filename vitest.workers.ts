import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * The Vitest config of every library package tested inside workerd: one local D1 database bound
 * as `DB` (emptied with `reset()` by the tests that need a fresh one), migrated by the tests with
 * the real migrations. Each package's `vitest.config.ts` re-exports it.
 */
export default defineConfig({
  test: {
    // Cold workerd starts on a loaded 2-core machine can take seconds; assertions, not timers, decide.
    testTimeout: 30_000,
    // The same for hooks: a beforeEach migrating a fresh database waits on the same workerd.
    hookTimeout: 30_000,
  },
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: '2026-11-01', d1Databases: ['DB'] } })],
});
