import { defineProject } from 'vitest/config';

/**
 * The dashboard page test: Node drives Debian's Chromium (playwright-core, no downloaded browser)
 * against the monitor served by `wrangler dev` over a seeded local D1 state.
 */
export default defineProject({
  test: {
    name: 'page',
    include: ['page-test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
