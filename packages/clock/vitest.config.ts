import { defineConfig } from 'vitest/config';

/** The clock rules check reads the repository's files, so it runs in Node, not in workerd. */
export default defineConfig({ test: { environment: 'node', testTimeout: 30_000 } });
