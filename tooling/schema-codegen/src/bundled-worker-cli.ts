#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * bundled-worker-codegen: bundles a Worker entry into a generated TypeScript module holding its
 * code as a string (or checks that module); see `bundled-worker-codegen --help`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type CommandLine, parseCommandLine } from '@waddle/command-line/parse-command-line';
import { isBundledWorkerModuleCurrent, renderBundledWorkerModule } from './bundled-worker-module.ts';

const COMMAND_LINE = {
  command: 'bundled-worker-codegen',
  positionals: ['<entry>', '<export-name>', '<out-file>'],
  description: [
    'Bundles the Worker <entry> into one minified ES module and writes <out-file>, a TypeScript module',
    'exporting it as the string constant <export-name> (how the api Worker carries the slice Worker it uploads).',
  ].join('\n'),
  options: {
    check: { type: 'boolean', description: 'write nothing; exit 1 when <out-file> differs from what <entry> bundles to' },
  },
} satisfies CommandLine;

const parsed = parseCommandLine(COMMAND_LINE, process.argv.slice(2));
if ('exitCode' in parsed) process.exit(parsed.exitCode);
const [entryPoint, exportName, outFile] = parsed.positionals as [string, string, string];

if (parsed.values.check) {
  if (await isBundledWorkerModuleCurrent({ entryPoint, exportName, outFile })) {
    console.log(`${outFile} matches ${entryPoint}`);
  } else {
    console.error(`${outFile} is out of date with ${entryPoint} and what it imports: run \`pnpm codegen\` and commit the result`);
    process.exit(1);
  }
} else {
  const rendered = await renderBundledWorkerModule({ entryPoint, exportName });
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  await writeFile(outFile, rendered);
  console.log(`wrote ${outFile} from ${entryPoint}`);
}
