import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Cold workerd starts on a loaded 2-core machine can take seconds; assertions, not timers, decide.
    testTimeout: 30_000,
  },
  plugins: [
    cloudflareTest({
      miniflare: { compatibilityDate: '2026-11-01', d1Databases: ['DB'] },
    }),
  ],
});
