import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * The library config of every workerd-tested package (`vitest.workers.ts`), with three more local D1
 * databases: the message-shard tests spread one waddle over `DB` (its primary) and `SHARD_2`,
 * `SHARD_3`, and compare it with the same messages in `WHOLE`. Every other test uses `DB` alone;
 * `reset()` empties all four.
 */
export default defineConfig({
  test: {
    // Cold workerd starts on a loaded 2-core machine can take seconds; assertions, not timers, decide.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
  plugins: [cloudflareTest({ miniflare: { compatibilityDate: '2026-11-01', d1Databases: ['DB', 'SHARD_2', 'SHARD_3', 'WHOLE'] } })],
});
