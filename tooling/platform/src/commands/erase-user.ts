import { startErasure } from '@waddle/privacy/start-erasure';
import type { CommandLine } from '@waddle/command-line/parse-command-line';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import type { CommandIo } from './command-io.ts';
import { privacyJobTable } from './privacy-job-table.ts';
import { runPrivacyJobCommand } from './run-privacy-job-command.ts';
import { TARGET_OPTION } from './target-option.ts';

/** `waddle erase`: its usage and options. */
export const ERASE_COMMAND_LINE = {
  command: 'waddle erase',
  positionals: ['<user-id>'],
  description: [
    'Erases a user from the directory at once, then from every waddle database they ever joined, or',
    "resumes the erasure already running, and prints each database's progress. Exit code 1 when the",
    'user does not exist or a database keeps failing (run it again to retry).',
  ].join('\n'),
  options: { target: TARGET_OPTION },
} satisfies CommandLine;

/**
 * `waddle erase <user-id> [--target local|remote]`: erases a user (see `startErasure`: the
 * directory at once, then every waddle database they ever joined), or resumes the erasure already
 * running (one `DELETE /v1/me` left unfinished, or a failed run), and runs it to the end from
 * here; prints each database's progress. Exit code 1 when the user does not exist or a database
 * keeps failing (rerun to retry it), 2 for bad arguments.
 */
export async function eraseUserCommand(argv: readonly string[], io: CommandIo, target?: DatabaseTarget): Promise<number> {
  return runPrivacyJobCommand(
    {
      line: ERASE_COMMAND_LINE,
      start: startErasure,
      finish: async (job, { userId }) => {
        io.out(privacyJobTable(job));
        io.out(
          job.status === 'done'
            ? `user ${userId} is erased (job ${job.id})`
            : `erasure job ${job.id} is not finished: run the command again to retry the failing databases`,
        );
        return job.status === 'done' ? 0 : 1;
      },
    },
    argv,
    io,
    target,
  );
}
