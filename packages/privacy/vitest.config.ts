export { default } from '../../vitest.workers.ts';
