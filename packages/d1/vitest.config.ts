import { defineConfig } from 'vitest/config';

/** The in-process SQLite adapter runs in Node (node:sqlite), not in workerd. */
export default defineConfig({ test: { environment: 'node' } });
