import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommandLine } from '@waddle/command-line/run-command-line';
import { afterAll, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'scripts', 'openapi-file.ts');
const directory = mkdtempSync(join(tmpdir(), 'waddle-openapi-file-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('scripts/openapi-file.ts (pnpm --filter @waddle/api run openapi)', () => {
  it('writes the OpenAPI 3.1 document, which --check then finds current', async () => {
    const file = join(directory, 'openapi.json');
    expect(await runCommandLine(script, ['--file', file])).toMatchObject({ exitCode: 0, stderr: '' });
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.openapi).toBe('3.1.0');
    expect(Object.keys(written.paths)).toContain('/v1/docs');
    expect(await runCommandLine(script, ['--check', '--file', file])).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('fails --check, writing nothing, on a stale file or a missing one', async () => {
    const file = join(directory, 'stale.json');
    await runCommandLine(script, ['--file', file]);
    appendFileSync(file, ' ');
    const stale = await runCommandLine(script, ['--check', '--file', file]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toMatch(/stale\.json is stale: run `pnpm contract`/);
    expect(readFileSync(file, 'utf8').endsWith('\n ')).toBe(true);
    const missing = await runCommandLine(script, ['--check', '--file', join(directory, 'none.json')]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/none\.json is missing/);
  });

  it('answers --help with its usage and an unknown option with a usage error', async () => {
    const help = await runCommandLine(script, ['--help']);
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    expect(help.stdout).toMatch(/^usage: openapi-file \[options\]/);
    const bogus = await runCommandLine(script, ['--bogus']);
    expect(bogus).toMatchObject({ exitCode: 2, stdout: '' });
    expect(bogus.stderr).toMatch(/^openapi-file: Unknown option '--bogus'/);
  });
});
