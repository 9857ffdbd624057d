import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isBundledWorkerModuleCurrent, renderBundledWorkerModule } from '../src/bundled-worker-module.ts';

let directory: string;
let entryPoint: string;
let outFile: string;

/** A Worker entry importing a module beside it, written fresh into a temporary directory. */
async function writeWorker(greeting: string): Promise<void> {
  await writeFile(join(directory, 'greeting.ts'), `export const greeting: string = ${JSON.stringify(greeting)};\n`);
  await writeFile(
    entryPoint,
    "import { greeting } from './greeting.ts';\nexport default { fetch: () => new Response(greeting) } satisfies { fetch(): Response };\n",
  );
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'bundled-worker-'));
  entryPoint = join(directory, 'worker.ts');
  outFile = join(directory, 'generated.ts');
  await writeWorker('hello from the slice');
});

describe('renderBundledWorkerModule', () => {
  it('renders the entry and what it imports as one ES module in a string constant, the bundle holding no path of this machine', async () => {
    const rendered = await renderBundledWorkerModule({ entryPoint, exportName: 'WORKER_SCRIPT' });
    const script = JSON.parse(/export const WORKER_SCRIPT: string = (".*");\n$/.exec(rendered)![1]!) as string;
    expect(script).toContain('hello from the slice');
    expect(script).toMatch(/export\s*\{[^}]*as default\s*\}/);
    expect(script).not.toContain('import ');
    expect(script).not.toContain(directory);
    // The bundle runs: its default export answers with the imported text.
    const module = (await import(`data:text/javascript,${encodeURIComponent(script)}`)) as { default: { fetch(): Response } };
    expect(await module.default.fetch().text()).toBe('hello from the slice');
  });

  it('finds the written module current, and out of date once an imported module changes', async () => {
    await writeFile(outFile, await renderBundledWorkerModule({ entryPoint, exportName: 'WORKER_SCRIPT' }));
    expect(await isBundledWorkerModuleCurrent({ entryPoint, exportName: 'WORKER_SCRIPT', outFile })).toBe(true);
    await writeWorker('hello from a newer slice');
    expect(await isBundledWorkerModuleCurrent({ entryPoint, exportName: 'WORKER_SCRIPT', outFile })).toBe(false);
    expect(await isBundledWorkerModuleCurrent({ entryPoint, exportName: 'WORKER_SCRIPT', outFile: join(directory, 'missing.ts') })).toBe(
      false,
    );
  });
});
