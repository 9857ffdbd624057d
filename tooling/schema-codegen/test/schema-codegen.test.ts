import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSchemaTypesCurrent, renderSchemaTypes } from '../src/generate-schema-types.ts';
import { changed, original } from './fixtures/pets-migrations.ts';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../src/cli.ts');
const fixture = join(import.meta.dirname, 'fixtures/pets-migrations.ts');

let outFile: string;
beforeAll(async () => {
  outFile = join(await mkdtemp(join(tmpdir(), 'schema-codegen-')), 'database.ts');
  await writeFile(outFile, await renderSchemaTypes(original));
});

describe('schema-codegen', () => {
  it('types each table of the migrations, enumerations as unions, bookkeeping and FTS tables left out', async () => {
    const types = await readFile(outFile, 'utf8');
    expect(types).toContain('species: Generated<"penguin" | "puffin">;');
    expect(types).toContain('is_fed: 0 | 1 | null;');
    expect(types).toContain('id: Generated<number>;');
    expect(types).toContain('pets: Pets;');
    expect(types).not.toMatch(/schema_migrations|pets_fts/);
  });

  it('finds the committed types current when the migrations did not change', async () => {
    expect(await isSchemaTypesCurrent({ migrations: original, outFile })).toBe(true);
  });

  it('fails the check when a migration changed and the types were not regenerated', async () => {
    expect(await isSchemaTypesCurrent({ migrations: changed, outFile })).toBe(false);
    const attempt = run(process.execPath, [cli, fixture, 'changed', outFile, '--check']);
    await expect(attempt).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('out of date') });
  });

  it('passes the check from the command line when they match', async () => {
    const { stdout } = await run(process.execPath, [cli, fixture, 'original', outFile, '--check']);
    expect(stdout).toContain('matches the 1 migrations');
  });
});
