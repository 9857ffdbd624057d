#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * schema-codegen: generates (or checks) a schema package's Kysely types from its migrations; see
 * `schema-codegen --help`.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CommandLine, parseCommandLine } from '@waddle/command-line/parse-command-line';
import type { Migration } from '@waddle/migrator/migration';
import { isSchemaTypesCurrent, renderSchemaTypes } from './generate-schema-types.ts';

const COMMAND_LINE = {
  command: 'schema-codegen',
  positionals: ['<migrations-module>', '<export-name>', '<out-file>'],
  description: [
    'Generates the Kysely types of a schema package from the migrations that <migrations-module>',
    'exports as <export-name> (applied to an in-memory SQLite database), and writes them to <out-file>.',
  ].join('\n'),
  options: {
    check: { type: 'boolean', description: 'write nothing; exit 1 when <out-file> differs from what the migrations generate' },
  },
} satisfies CommandLine;

const parsed = parseCommandLine(COMMAND_LINE, process.argv.slice(2));
if ('exitCode' in parsed) process.exit(parsed.exitCode);
const [modulePath, exportName, outFile] = parsed.positionals as [string, string, string];
const check = parsed.values.check;

const module = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
const migrations = module[exportName] as readonly Migration[] | undefined;
if (!Array.isArray(migrations)) {
  console.error(`${modulePath} has no array export named ${exportName}`);
  process.exit(2);
}

if (check) {
  if (await isSchemaTypesCurrent({ migrations, outFile })) {
    console.log(`${outFile} matches the ${migrations.length} migrations`);
  } else {
    console.error(`${outFile} is out of date with the migrations: run \`pnpm codegen\` and commit the result`);
    process.exit(1);
  }
} else {
  const rendered = await renderSchemaTypes(migrations);
  await mkdir(dirname(resolve(outFile)), { recursive: true });
  await writeFile(outFile, rendered);
  console.log(`wrote ${outFile} from ${migrations.length} migrations`);
}
