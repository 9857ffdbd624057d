import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommandLine } from '@waddle/command-line/run-command-line';
import { describe, expect, it } from 'vitest';

const cli = join(import.meta.dirname, '../src/cli.ts');
const dataDirectory = join(import.meta.dirname, '../../../bench-data');

/** What the benchmark has written (its synthetic waddles and states), with sizes and times. */
function benchData(): string[] {
  if (!existsSync(dataDirectory)) return [];
  return readdirSync(dataDirectory, { recursive: true, encoding: 'utf8' })
    .map((name) => {
      const stat = statSync(join(dataDirectory, name));
      return `${name} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

describe('pnpm bench --help, and usage errors', () => {
  it('prints its usage on stdout and exits 0, building nothing', async () => {
    const before = benchData();
    const run = await runCommandLine(cli, ['--help']);
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    expect(run.stdout).toMatch(/^usage: pnpm bench \[options\]/);
    for (const option of ['--messages N', '--calls N', '--json FILE', '--rebuild', '--build-only', '--cases LIST'])
      expect(run.stdout).toContain(option);
    expect(benchData()).toEqual(before);
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--messages'], "Option '--messages <value>' argument missing"],
    [['--messages', 'many'], '--messages must be'],
  ])('bench %j is a usage error on stderr (no stack trace), exit 2, nothing built', async (args, message) => {
    const before = benchData();
    const run = await runCommandLine(cli, args);
    expect(run).toMatchObject({ exitCode: 2, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^pnpm bench: ${message.replace(/[[\]()*+?.^$|<>-]/g, '\\$&')}`));
    expect(run.stderr).toContain('usage: pnpm bench [options]');
    expect(run.stderr).not.toMatch(/\n +at /);
    expect(benchData()).toEqual(before);
  });
});
