import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportArchive } from '@waddle/privacy/export-archive';
import { startExport } from '@waddle/privacy/start-export';
import type { CommandLine } from '@waddle/command-line/parse-command-line';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import type { CommandIo } from './command-io.ts';
import { privacyJobTable } from './privacy-job-table.ts';
import { runPrivacyJobCommand } from './run-privacy-job-command.ts';
import { TARGET_OPTION } from './target-option.ts';

/** `waddle export`: its usage and options. */
export const EXPORT_COMMAND_LINE = {
  command: 'waddle export',
  positionals: ['<user-id>'],
  description: [
    'Exports everything held about a user (the job of GET /v1/me/export, or the one running), runs',
    'it to the end in steps from here and streams the JSON archive out. Exit code 1 when the user',
    'does not exist or a database keeps failing (the job stays: run it again to resume).',
  ].join('\n'),
  options: {
    out: { type: 'string', value: 'FILE', description: 'write the archive to FILE (default: stdout)' },
    target: TARGET_OPTION,
  },
} satisfies CommandLine;

/**
 * `waddle export <user-id> [--out FILE] [--target local|remote]`: exports everything held about a
 * user (the job of `POST /v1/me/export`, or the one running), runs it to the end in steps from
 * here, and writes the archive to FILE (default: stdout) as it streams out of its chunks. Exit
 * code 1 when the user does not exist or a database keeps failing (the job stays, and a rerun
 * resumes it), 2 for bad arguments. Refusals go to `io.err`: stdout may be the archive.
 */
export async function exportUserCommand(argv: readonly string[], io: CommandIo, target?: DatabaseTarget): Promise<number> {
  return runPrivacyJobCommand(
    {
      line: EXPORT_COMMAND_LINE,
      start: startExport,
      finish: async (job, { out }, central) => {
        if (job.status !== 'done') {
          io.out(privacyJobTable(job));
          io.out(`export job ${job.id} is not finished: run the command again to resume it`);
          return 1;
        }
        const sink = out === undefined ? process.stdout : createWriteStream(out);
        for await (const piece of exportArchive(central, job)) {
          if (!sink.write(piece)) await once(sink, 'drain');
        }
        if (sink !== process.stdout) {
          sink.end();
          await once(sink, 'finish');
          io.progress(`export job ${job.id} written to ${out}\n`);
        }
        return 0;
      },
    },
    argv,
    io,
    target,
  );
}
