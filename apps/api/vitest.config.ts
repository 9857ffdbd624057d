import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_ATTACHMENT_LIMITS, TEST_AUTH_SECRET, TEST_WADDLE_BINDINGS } from './test/test-config.ts';

/**
 * Two projects in one run (so one JSON report): `workers`, the Worker's tests inside workerd on
 * real local D1; and `node`, run in Node: the reference page in headless Chromium against the
 * Worker served by `wrangler dev`, and the OpenAPI file script (see vitest.node.config.ts).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'workers',
          include: ['test/**/*.test.ts'],
          // Cold workerd starts on a loaded 2-core machine can take seconds; assertions, not timers, decide.
          testTimeout: 30_000,
          hookTimeout: 30_000,
          globalSetup: ['./test/global-setup.ts'],
        },
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.jsonc' },
            miniflare: {
              // Set here, so the `.dev.vars` that `npm start` writes (the local D1 API of a running
              // platform) never leaks into tests: provisioning tests configure their own.
              bindings: {
                AUTH_SECRET: TEST_AUTH_SECRET,
                CLOUDFLARE_API_BASE_URL: '',
                CLOUDFLARE_ACCOUNT_ID: '',
                CLOUDFLARE_API_TOKEN: '',
                SLICES_DISPATCH_URL: '',
                // Small upload limits, so a test sends a file just over them (wrangler.jsonc has the real ones).
                ATTACHMENT_DIRECT_MAX_BYTES: String(TEST_ATTACHMENT_LIMITS.directMaxBytes),
                ATTACHMENT_MAX_BYTES: String(TEST_ATTACHMENT_LIMITS.maxBytes),
              },
              // The central database of wrangler.jsonc, plus waddle databases bound statically (their
              // directory rows' `binding` names them, as a deployment's fast path does).
              d1Databases: { CENTRAL_DB: 'local-central', ...TEST_WADDLE_BINDINGS },
            },
          }),
        ],
      },
      './vitest.node.config.ts',
    ],
  },
});
