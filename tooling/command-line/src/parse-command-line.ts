import { parseArgs } from 'node:util';

/** One option of a command: a flag (`boolean`) or an option that takes a value (`string`). */
export interface CommandOption {
  readonly type: 'string' | 'boolean';
  /** Its one-letter form (`o` for `-o`). */
  readonly short?: string;
  /** What its value stands for in the usage (`FILE`, `N`); `string` options only. */
  readonly value?: string;
  /** The only values it accepts; any other is a usage error. */
  readonly choices?: readonly string[];
  /** Its value when it is not given (`string` options; a flag is `false` when not given). */
  readonly default?: string;
  /** What it does, in one line of the usage. */
  readonly description: string;
}

/** The options of a command, by their long name (`expires-in` for `--expires-in`). */
export type CommandOptions = Readonly<Record<string, CommandOption>>;

/** A command's line: what its usage text and its parsing are both made from. */
export interface CommandLine<O extends CommandOptions = CommandOptions> {
  /** How it is called (`waddle token`). */
  readonly command: string;
  /** Its positional arguments in order, required as `<user-id>`, optional as `[status]`. */
  readonly positionals?: readonly string[];
  /** What it does, in a few lines. */
  readonly description: string;
  readonly options: O;
}

/** The values of parsed options: a flag is a boolean, an option with a default always a string. */
export type OptionValues<O extends CommandOptions> = {
  -readonly [K in keyof O]: O[K] extends { readonly type: 'boolean' }
    ? boolean
    : O[K] extends { readonly default: string }
      ? string
      : string | undefined;
};

/** A command line to run, or the exit code of one already answered (its usage, or a usage error). */
export type ParsedCommandLine<O extends CommandOptions> =
  | { readonly values: OptionValues<O>; readonly positionals: readonly string[] }
  | { readonly exitCode: 0 | 2 };

/** Where a command's usage (standard output) and usage errors (standard error) go. */
export interface CommandLineOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const consoleOutput: CommandLineOutput = { out: (line) => console.log(line), err: (line) => console.error(line) };

/** Every command answers `-h` and `--help` with its usage. */
const HELP: CommandOption = { type: 'boolean', short: 'h', description: 'print this usage and exit' };

/**
 * Parses a command's arguments strictly (`node:util` `parseArgs` with `strict: true`): an unknown
 * option, an option without its value, a value outside an option's `choices`, or too few or too
 * many positional arguments is a usage error, written to standard error with the command's
 * synopsis, and answered with exit code 2; `--help` (or `-h`) writes the usage text to standard
 * output and is answered with exit code 0. Either way the command runs nothing.
 *
 * @example
 * ```ts
 * const line = {
 *   command: 'waddle token',
 *   positionals: ['<user-id>'],
 *   description: 'Prints an API token for a local user.',
 *   options: { 'expires-in': { type: 'string', value: 'SECONDS', default: '86400', description: 'its lifetime' } },
 * } satisfies CommandLine;
 * const parsed = parseCommandLine(line, process.argv.slice(3));
 * if ('exitCode' in parsed) return parsed.exitCode;
 * parsed.values['expires-in']; // '86400' unless given
 * ```
 */
export function parseCommandLine<O extends CommandOptions>(
  line: CommandLine<O>,
  argv: readonly string[],
  output: CommandLineOutput = consoleOutput,
): ParsedCommandLine<O> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(
        Object.entries({ ...line.options, help: HELP }).map(([name, option]) => [
          name,
          {
            type: option.type,
            ...(option.short ? { short: option.short } : {}),
            default: option.type === 'boolean' ? false : option.default,
          },
        ]),
      ),
    });
  } catch (error) {
    // Node's message, without the advice about `--` that follows its first sentence.
    return { exitCode: usageError(line, (error as Error).message.split('. ')[0]!, output) };
  }
  if (parsed.values.help === true) {
    output.out(usageText(line));
    return { exitCode: 0 };
  }
  for (const [name, option] of Object.entries(line.options)) {
    const value = parsed.values[name];
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      return { exitCode: usageError(line, `--${name} must be ${option.choices.map((c) => `'${c}'`).join(' or ')}`, output) };
    }
  }
  const expected = line.positionals ?? [];
  const required = expected.filter((name) => name.startsWith('<'));
  if (parsed.positionals.length < required.length) {
    return { exitCode: usageError(line, `missing ${required.slice(parsed.positionals.length).join(' ')}`, output) };
  }
  if (parsed.positionals.length > expected.length) {
    return { exitCode: usageError(line, `unexpected argument '${parsed.positionals[expected.length]}'`, output) };
  }
  const { help: _, ...values } = parsed.values;
  return { values: values as OptionValues<O>, positionals: parsed.positionals };
}

/**
 * Writes a usage error to standard error (the message, then the synopsis) and answers exit code
 * 2: for what {@link parseCommandLine} cannot check itself (a user id that is not a number).
 */
export function usageError(line: CommandLine, message: string, output: CommandLineOutput = consoleOutput): 2 {
  output.err(`${line.command}: ${message}`);
  output.err(`${synopsis(line)}   (${line.command} --help for more)`);
  return 2;
}

/** The usage text of a command: its synopsis, what it does, and each option with its default. */
export function usageText(line: CommandLine): string {
  const options = Object.entries({ ...line.options, help: HELP }).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    const notes = [option.choices?.join(' or '), option.default !== undefined ? `default: ${option.default}` : undefined].filter(
      (note) => note !== undefined,
    );
    return [flag, notes.length > 0 ? `${option.description} (${notes.join('; ')})` : option.description] as const;
  });
  const width = Math.max(...options.map(([flag]) => flag.length));
  return [synopsis(line), '', line.description, '', 'options:', ...options.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)].join(
    '\n',
  );
}

function synopsis(line: CommandLine): string {
  return ['usage:', line.command, ...(line.positionals ?? []), '[options]'].join(' ');
}
