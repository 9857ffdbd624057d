import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runCommandLine } from '@waddle/command-line/run-command-line';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../src/local/repository-root.ts';

const cli = join(import.meta.dirname, '../src/cli.ts');

/** Every file the commands write to (local state, logs, secrets, `.dev.vars`), with its size and time. */
function writtenFiles(): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else found.push(`${path} ${stat.size} ${stat.mtimeMs}`);
  };
  for (const path of [
    join(REPOSITORY_ROOT, '.wrangler'),
    join(REPOSITORY_ROOT, 'apps/api/.dev.vars'),
    join(REPOSITORY_ROOT, 'apps/monitor/.dev.vars'),
  ])
    walk(path);
  return found.sort();
}

// Each command with valid positional arguments, so that only the option under test is wrong.
const commands = [
  { command: 'up', valid: [] },
  { command: 'migrate', valid: [] },
  { command: 'token', valid: ['1'] },
  { command: 'export', valid: ['1'] },
  { command: 'erase', valid: ['1'] },
  { command: 'reindex-search', valid: [] },
  { command: 'slices', valid: ['rebalance'] },
  { command: 'shard', valid: ['open', '1'] },
];

describe('waddle <command> --help, and usage errors', () => {
  it.each(commands)('waddle $command --help prints its usage on stdout and exits 0, starting nothing', async ({ command }) => {
    const before = writtenFiles();
    const run = await runCommandLine(cli, [command, '--help']);
    expect(run).toMatchObject({ exitCode: 0, timedOut: false, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^usage: waddle ${command} `));
    expect(run.stdout).toContain('-h, --help');
    expect(writtenFiles()).toEqual(before);
  });

  it.each(commands)(
    'waddle $command --bogus is a usage error on stderr, exit 2, nothing started or written',
    async ({ command, valid }) => {
      const before = writtenFiles();
      const run = await runCommandLine(cli, [command, ...valid, '--bogus']);
      expect(run).toMatchObject({ exitCode: 2, timedOut: false, stdout: '' });
      expect(run.stderr).toMatch(new RegExp(`^waddle ${command}: Unknown option '--bogus'`));
      expect(run.stderr).toContain(`usage: waddle ${command} `);
      expect(writtenFiles()).toEqual(before);
    },
  );

  it.each(
    [
      ['migrate', '--target'],
      ['token', '1', '--expires-in'],
      ['export', '1', '--out'],
      ['slices', 'rebalance', '--chunk'],
    ].map((args) => [args.join(' '), args] as const),
  )('waddle %s (an option without its value) is a usage error, never a run', async (_, args) => {
    const before = writtenFiles();
    const run = await runCommandLine(cli, args);
    expect(run).toMatchObject({ exitCode: 2, timedOut: false, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^waddle ${args[0]}: Option '${args.at(-1)} <value>' argument missing`));
    expect(writtenFiles()).toEqual(before);
  });

  it('waddle --help lists the commands; an unknown command is a usage error', async () => {
    const help = await runCommandLine(cli, ['--help']);
    expect(help).toMatchObject({ exitCode: 0, stderr: '' });
    for (const { command } of commands) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const unknown = await runCommandLine(cli, ['serve']);
    expect(unknown).toMatchObject({ exitCode: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^waddle: unknown command 'serve'/);
  });
});
