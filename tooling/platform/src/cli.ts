#!/usr/bin/env -S node --disable-warning=ExperimentalWarning
/**
 * waddle: the platform's command line. `waddle --help` lists the commands, `waddle <command>
 * --help` prints one's usage (each command's usage text lives beside it, in its `*_COMMAND_LINE`).
 * Usage errors go to stderr with exit code 2.
 */
import { consoleIo } from './commands/command-io.ts';

/**
 * The commands, each loaded only when it runs: `waddle token` then starts in a tenth of a second
 * instead of loading Miniflare and esbuild for `up` and `migrate` (about 0.6 s).
 */
const COMMANDS: Readonly<Record<string, { readonly summary: string; readonly run: (argv: readonly string[]) => Promise<number> }>> = {
  up: {
    summary: 'migrate and seed the local platform, serve the local D1 API and both Workers until Ctrl-C',
    run: async (argv) => (await import('./commands/up.ts')).upCommand(argv, consoleIo),
  },
  migrate: {
    summary: 'migrate (or show) the central database and every waddle database it lists',
    run: async (argv) => (await import('./commands/migrate.ts')).migrateCommand(argv, consoleIo),
  },
  token: {
    summary: 'print an API token for a user of the local central database',
    run: async (argv) => (await import('./commands/token.ts')).tokenCommand(argv, consoleIo),
  },
  export: {
    summary: 'export everything held about a user to a JSON archive',
    run: async (argv) => (await import('./commands/export-user.ts')).exportUserCommand(argv, consoleIo),
  },
  'reindex-search': {
    summary: 'make emoji searchable in messages indexed before they were (once, after upgrading)',
    run: async (argv) => (await import('./commands/reindex-search.ts')).reindexSearchCommand(argv, consoleIo),
  },
  slices: {
    summary: 'rebalance: move every database no slice reaches into slices with room (resumable)',
    run: async (argv) => (await import('./commands/slices.ts')).slicesCommand(argv, consoleIo),
  },
  shard: {
    summary: 'open: open a new message shard for a waddle, sealing its newest (resumable)',
    run: async (argv) => (await import('./commands/shard.ts')).shardCommand(argv, consoleIo),
  },
  erase: {
    summary: 'erase a user from the directory and every waddle database (or resume an erasure)',
    run: async (argv) => (await import('./commands/erase-user.ts')).eraseUserCommand(argv, consoleIo),
  },
};

const USAGE = [
  'usage: waddle <command> [arguments] [options]',
  '',
  'commands:',
  ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(16)}${summary}`),
  '',
  'waddle <command> --help prints the usage of one.',
].join('\n');

const [name, ...argv] = process.argv.slice(2);
const command = name === undefined ? undefined : COMMANDS[name];
if (command) {
  process.exitCode = await command.run(argv);
} else if (name === '--help' || name === '-h') {
  consoleIo.out(USAGE);
} else {
  consoleIo.err(name === undefined ? 'waddle: give a command' : `waddle: unknown command '${name}'`);
  consoleIo.err(USAGE);
  process.exitCode = 2;
}
