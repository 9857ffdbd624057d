import { systemClock } from '@waddle/clock/clock';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startErasure } from '@waddle/privacy/start-erasure';
import type { CommandLine } from '@waddle/command-line/parse-command-line';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import type { CommandIo } from './command-io.ts';
import { openPrivacyDatabases, parsePrivacyArguments } from './privacy-target.ts';
import { privacyJobTable } from './privacy-job-table.ts';
import { TARGET_OPTION } from './target-option.ts';
import { centralKysely } from '../central-kysely.ts';

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
  const args = parsePrivacyArguments(ERASE_COMMAND_LINE, argv, io);
  if ('exitCode' in args) return args.exitCode;
  const databases = await openPrivacyDatabases(args.target, args.userId, target);
  try {
    const user = await centralKysely(databases.central).selectFrom('users').select('id').where('id', '=', args.userId).executeTakeFirst();
    if (!user) {
      io.err(`waddle erase: there is no user ${args.userId}`);
      return 1;
    }
    const started = await startErasure(databases.central, args.userId, 'operator', systemClock());
    const job = await runJobToEnd(databases.central, databases.connectors, started.id, {
      ...(databases.attachments ? { attachments: databases.attachments } : {}),
      maxQueriesPerStep: 900,
      clock: systemClock,
      onStep: (step) =>
        io.progress(
          `erasure job ${step.job.id}: ${step.job.parts.filter((p) => p.status === 'done').length}/${step.job.parts.length} databases done\n`,
        ),
    });
    io.out(privacyJobTable(job));
    io.out(
      job.status === 'done'
        ? `user ${args.userId} is erased (job ${job.id})`
        : `erasure job ${job.id} is not finished: run the command again to retry the failing databases`,
    );
    return job.status === 'done' ? 0 : 1;
  } finally {
    await databases.dispose();
  }
}
