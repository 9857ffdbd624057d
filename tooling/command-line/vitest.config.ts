import { defineConfig } from 'vitest/config';

/** Command lines are parsed and run in Node, so their tests run in Node too. */
export default defineConfig({ test: { environment: 'node' } });
