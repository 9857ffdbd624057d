#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * Generates (or checks) a schema package's Kysely types from its migrations.
 *
 *   schema-codegen <migrations-module> <export-name> <out-file> [--check]
 *
 * With --check it writes nothing and exits 1 when the committed file differs from what the
 * migrations generate, naming the command that fixes it.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Migration } from '@waddle/migrator/migration';
import { isSchemaTypesCurrent, renderSchemaTypes } from './generate-schema-types.ts';

const args = process.argv.slice(2);
const check = args.includes('--check');
const [modulePath, exportName, outFile] = args.filter((a) => a !== '--check');
if (!modulePath || !exportName || !outFile) {
  console.error('usage: schema-codegen <migrations-module> <export-name> <out-file> [--check]');
  process.exit(2);
}

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
