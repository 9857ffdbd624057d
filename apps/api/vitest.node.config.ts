import { defineProject } from 'vitest/config';

/**
 * The API's tests that run in Node: the reference page (`/v1/docs`) in Debian's Chromium
 * (playwright-core, no downloaded browser) against the Worker served by `wrangler dev` as
 * `npm start` serves it, and `scripts/openapi-file.ts` run as a command.
 */
export default defineProject({
  test: {
    name: 'node',
    include: ['node-test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
