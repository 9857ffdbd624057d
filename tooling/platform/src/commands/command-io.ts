import type { CommandLineOutput } from '@waddle/command-line/parse-command-line';

/** Where a command writes: results on `out`, refusals and usage errors on `err`, progress apart. */
export interface CommandIo extends CommandLineOutput {
  /** Progress goes here: a redrawn bar on a terminal, a line per database otherwise. */
  readonly progress: (text: string) => void;
  readonly isTerminal: boolean;
}

/** Output to the terminal: results on stdout, refusals, usage errors and progress on stderr. */
export const consoleIo: CommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  progress: (text) => process.stderr.write(text),
  isTerminal: process.stderr.isTTY === true,
};
