import { describe, expect, it } from 'vitest';
import { type CommandLine, parseCommandLine, usageError, usageText } from '../src/parse-command-line.ts';

const line = {
  command: 'waddle export',
  positionals: ['<user-id>', '[part]'],
  description: 'Exports everything held about a user.',
  options: {
    out: { type: 'string', short: 'o', value: 'FILE', description: 'where the archive goes' },
    target: { type: 'string', value: 'TARGET', choices: ['local', 'remote'], default: 'local', description: 'which databases' },
    'dry-run': { type: 'boolean', description: 'only show what it would do' },
  },
} satisfies CommandLine;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

describe('parseCommandLine', () => {
  it('gives typed values with their defaults and the positional arguments, printing nothing', () => {
    const { out, err, output } = capture();
    expect(parseCommandLine(line, ['42', '-o', 'a.json'], output)).toEqual({
      values: { out: 'a.json', target: 'local', 'dry-run': false },
      positionals: ['42'],
    });
    expect(parseCommandLine(line, ['42', 'x', '--target=remote', '--dry-run'], output)).toEqual({
      values: { target: 'remote', 'dry-run': true },
      positionals: ['42', 'x'],
    });
    expect(parseCommandLine(line, ['--', '--42'], output)).toMatchObject({ positionals: ['--42'] });
    expect([out, err]).toEqual([[], []]);
  });

  it('answers --help and -h with the usage text on stdout and exit code 0, whatever else is missing', () => {
    for (const help of ['--help', '-h']) {
      const { out, err, output } = capture();
      expect(parseCommandLine(line, [help], output)).toEqual({ exitCode: 0 });
      expect(out).toEqual([usageText(line)]);
      expect(err).toEqual([]);
    }
    expect(usageText(line)).toBe(
      [
        'usage: waddle export <user-id> [part] [options]',
        '',
        'Exports everything held about a user.',
        '',
        'options:',
        '  -o, --out FILE   where the archive goes',
        '  --target TARGET  which databases (local or remote; default: local)',
        '  --dry-run        only show what it would do',
        '  -h, --help       print this usage and exit',
      ].join('\n'),
    );
  });

  it.each([
    [['42', '--bogus'], "waddle export: Unknown option '--bogus'"],
    [['42', '-x'], "waddle export: Unknown option '-x'"],
    [['42', '--out'], "waddle export: Option '-o, --out <value>' argument missing"],
    [['42', '--dry-run=yes'], "waddle export: Option '--dry-run' does not take an argument"],
    [['42', '--target', 'prod'], "waddle export: --target must be 'local' or 'remote'"],
    [[], 'waddle export: missing <user-id>'],
    [['42', 'x', 'y'], "waddle export: unexpected argument 'y'"],
  ])('%j is a usage error on stderr with exit code 2', (argv, message) => {
    const { out, err, output } = capture();
    expect(parseCommandLine(line, argv, output)).toEqual({ exitCode: 2 });
    expect(out).toEqual([]);
    expect(err).toEqual([message, 'usage: waddle export <user-id> [part] [options]   (waddle export --help for more)']);
  });

  it('writes a usage error the command found itself in the same form', () => {
    const { out, err, output } = capture();
    expect(usageError(line, 'give one user id', output)).toBe(2);
    expect(out).toEqual([]);
    expect(err[0]).toBe('waddle export: give one user id');
  });
});
