import { parseArgs } from 'node:util';
import { centralMigrations } from '@waddle/central-schema/migrations';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseOutcome } from '@waddle/provisioning/fan-out-report';
import { runFanOut } from '@waddle/provisioning/migrate-all';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';
import { textTable } from '../text-table.ts';

export interface CommandIo {
  readonly out: (line: string) => void;
  /** Progress goes here: a redrawn bar on a terminal, a line per database otherwise. */
  readonly progress: (text: string) => void;
  readonly isTerminal: boolean;
}

/** Output to the terminal: results on stdout, progress on stderr. */
export const consoleIo: CommandIo = {
  out: (line) => console.log(line),
  progress: (text) => process.stderr.write(text),
  isTerminal: process.stderr.isTTY === true,
};

/**
 * `waddle migrate [status] [--target local|remote] [--concurrency N] [--dry-run]`
 *
 * Migrates the central database and every waddle database of its registry, then prints a table
 * (database, from, to, status, time) and names each failure with its error. Exit code 1 when any
 * database failed, 2 for bad arguments. `status` (and `--dry-run`) only read: each database's
 * version and which are behind.
 */
export async function migrateCommand(argv: readonly string[], io: CommandIo = consoleIo, target?: DatabaseTarget): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        target: { type: 'string', default: 'local' },
        concurrency: { type: 'string', default: '8' },
        'dry-run': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.out(`migrate: ${(error as Error).message}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    io.out('migrate: --concurrency must be an integer from 1 to 64');
    return 2;
  }
  if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'status')) {
    io.out(`migrate: unknown command ${positionals.join(' ')} (use: migrate [status])`);
    return 2;
  }
  if (values.target !== 'local' && values.target !== 'remote') {
    io.out("migrate: --target must be 'local' or 'remote'");
    return 2;
  }
  const statusOnly = positionals[0] === 'status' || values['dry-run'];
  const chosen = target ?? (values.target === 'remote' ? remoteTargetFromEnvironment() : localTarget());

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
  io.out(`${report.outcomes.length} databases (${counts.join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s on the ${chosen.name} target; code is at ${centralMigrations.at(-1)?.name} (central) and ${waddleMigrations.at(-1)?.name} (waddle)`);
  for (const failure of report.failed) io.out(`FAILED ${failure.database} (${failure.d1DatabaseId}): ${failure.error}`);
  return report.failed.length > 0 ? 1 : 0;
}

function progressText(done: number, total: number, outcome: DatabaseOutcome, terminal: boolean): string {
  if (!terminal) return `${done}/${total} ${outcome.database}: ${outcome.status}${outcome.error ? ` (${outcome.error})` : ''}\n`;
  const width = 30;
  const filled = Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${outcome.database.slice(0, 40).padEnd(40)}`;
}
