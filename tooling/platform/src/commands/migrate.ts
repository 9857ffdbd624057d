import { centralMigrations } from '@waddle/central-schema/migrations';
import { type CommandLine, parseCommandLine, usageError } from '@waddle/command-line/parse-command-line';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseOutcome } from '@waddle/provisioning/fan-out-report';
import { runFanOut } from '@waddle/provisioning/migrate-all';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';
import { textTable } from '../text-table.ts';
import { type CommandIo, consoleIo } from './command-io.ts';
import { TARGET_OPTION } from './target-option.ts';

/** `waddle migrate`: its usage and options. */
export const MIGRATE_COMMAND_LINE = {
  command: 'waddle migrate',
  positionals: ['[status]'],
  description: [
    'Migrates the central database and every waddle database of its directory of databases, then prints a table',
    '(database, from, to, status, time) and names each failure with its error; exit code 1 when any',
    "database failed. `status` (or --dry-run) only reads: each database's version and what is pending.",
  ].join('\n'),
  options: {
    target: TARGET_OPTION,
    concurrency: { type: 'string', value: 'N', default: '8', description: 'how many databases are migrated at once, 1 to 64' },
    'dry-run': { type: 'boolean', description: 'change nothing (the same as `status`)' },
  },
} satisfies CommandLine;

/**
 * `waddle migrate [status] [--target local|remote] [--concurrency N] [--dry-run]`
 *
 * Migrates the central database and every waddle database of its directory of databases, then prints a table
 * (database, from, to, status, time) and names each failure with its error. Exit code 1 when any
 * database failed, 2 for bad arguments. `status` (and `--dry-run`) only read: each database's
 * version and which are behind.
 */
export async function migrateCommand(argv: readonly string[], io: CommandIo = consoleIo, target?: DatabaseTarget): Promise<number> {
  const parsed = parseCommandLine(MIGRATE_COMMAND_LINE, argv, io);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values, positionals } = parsed;
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    return usageError(MIGRATE_COMMAND_LINE, '--concurrency must be an integer from 1 to 64', io);
  if (positionals[0] !== undefined && positionals[0] !== 'status')
    return usageError(MIGRATE_COMMAND_LINE, `unknown command ${positionals[0]} (use: migrate [status])`, io);
  const statusOnly = positionals[0] === 'status' || values['dry-run'];
  const chosen =
    target ??
    (values.target === 'remote'
      ? remoteTargetFromEnvironment()
      : localTarget(undefined, { sliceDispatchUrl: process.env.SLICES_DISPATCH_URL }));
  const started = performance.now();
  const report = await runFanOut({
    target: chosen,
    concurrency,
    dryRun: statusOnly,
    onWaiting: (holder) => io.progress(`waiting for another migrate run (${holder}) to finish\n`),
    onProgress: ({ done, total, outcome }) => io.progress(progressText(done, total, outcome, io.isTerminal)),
  });
  if (io.isTerminal) io.progress('\n');

  io.out(
    textTable([
      ['database', 'D1 id', 'from', 'to', 'status', 'pending', 'time'].filter((c) => statusOnly || c !== 'pending'),
      ...report.outcomes.map((o) =>
        [o.database, o.d1DatabaseId, o.fromVersion ?? '-', o.toVersion ?? '-', o.status, String(o.migrations.length), `${o.ms} ms`].filter(
          (_, column) => statusOnly || column !== 5,
        ),
      ),
    ]),
  );
  const counts = ['migrated', 'up-to-date', 'behind', 'failed'].map((s) => `${report.outcomes.filter((o) => o.status === s).length} ${s}`);
  io.out(
    `${report.outcomes.length} databases (${counts.join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s on the ${chosen.name} target; code is at ${centralMigrations.at(-1)?.name} (central) and ${waddleMigrations.at(-1)?.name} (waddle)`,
  );
  for (const failure of report.failed) io.out(`FAILED ${failure.database} (${failure.d1DatabaseId}): ${failure.error}`);
  return report.failed.length > 0 ? 1 : 0;
}

function progressText(done: number, total: number, outcome: DatabaseOutcome, terminal: boolean): string {
  if (!terminal) return `${done}/${total} ${outcome.database}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}\n`;
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${outcome.database.slice(0, 40).padEnd(40)}`;
}
