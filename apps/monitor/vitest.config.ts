import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

/**
 * Two projects in one run (so one JSON report): `workers`, the Worker's tests inside workerd on
 * real local D1, with three waddle databases bound statically (their directory rows name these
 * bindings in `databases.binding`); and `page`, the dashboard in headless Chromium, driven from Node
 * against the Worker served by `wrangler dev` (see vitest.page.config.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: {
              d1Databases: {
                CENTRAL_DB: 'local-central',
                WADDLE_PENGUINS: 'test-penguins',
                WADDLE_PUFFINS: 'test-puffins',
                WADDLE_KRILL: 'test-krill',
              },
              // Set here, so the `.dev.vars` that `npm start` writes never leaks into tests.
              bindings: {
                MONITOR_TOKEN: 'test-operator-token',
                ALERT_WEBHOOK_URL: '',
                CLOUDFLARE_API_BASE_URL: '',
                CLOUDFLARE_ACCOUNT_ID: '',
                CLOUDFLARE_API_TOKEN: '',
                SLICES_DISPATCH_URL: '',
              },
            },
          }),
        ],
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          // Cold workerd starts on a loaded 2-core machine can take seconds; assertions, not timers, decide.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      './vitest.page.config.ts',
    ],
  },
});
