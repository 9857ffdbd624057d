import { build } from 'esbuild';

/**
 * Bundles a Worker entry (TypeScript, workspace packages and all) into one ES module for
 * Miniflare, the way wrangler would: resolved for workerd, nothing left to import at run time.
 */
export async function bundleWorker(entryPoint: string): Promise<string> {
  const bundle = await build({
    entryPoints: [entryPoint],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2024',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser', 'import'],
  });
  return bundle.outputFiles[0]!.text;
}
