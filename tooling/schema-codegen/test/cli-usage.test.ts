import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandLine } from '@waddle/command-line/run-command-line';
import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/cli.ts');
const fixture = join(import.meta.dirname, 'fixtures/pets-migrations.ts');

describe('schema-codegen --help, and usage errors', () => {
  it('prints its usage on stdout and exits 0', async () => {
    const run = await runCommandLine(cli, ['--help']);
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    expect(run.stdout).toMatch(/^usage: schema-codegen <migrations-module> <export-name> <out-file> \[options\]/);
    expect(run.stdout).toContain('--check');
  });

  it('refuses an unknown option on stderr with exit 2, and writes nothing', async () => {
    const outFile = join(await mkdtemp(join(tmpdir(), 'schema-codegen-')), 'database.ts');
    const run = await runCommandLine(cli, [fixture, 'original', outFile, '--bogus']);
    expect(run).toMatchObject({ exitCode: 2, stdout: '' });
    expect(run.stderr).toMatch(/^schema-codegen: Unknown option '--bogus'/);
    expect(run.stderr).toContain('usage: schema-codegen ');
    expect(existsSync(outFile)).toBe(false);
  });

  it('refuses a missing or an extra argument with exit 2, and writes nothing', async () => {
    const outFile = join(await mkdtemp(join(tmpdir(), 'schema-codegen-')), 'database.ts');
    for (const args of [
      [fixture, 'original'],
      [fixture, 'original', outFile, 'extra'],
    ]) {
      const run = await runCommandLine(cli, args);
      expect(run).toMatchObject({ exitCode: 2, stdout: '' });
      expect(run.stderr).toContain('usage: schema-codegen ');
    }
    expect(existsSync(outFile)).toBe(false);
  });
});
