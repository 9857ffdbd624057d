import { systemClock } from '@waddle/clock/clock';
import type { CommandLine } from '@waddle/command-line/parse-command-line';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { PrivacyJob } from '@waddle/privacy/privacy-job';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { centralKysely } from '../central-kysely.ts';
import type { CommandIo } from './command-io.ts';
import { openPrivacyDatabases, type PrivacyArguments, parsePrivacyArguments } from './privacy-target.ts';

/** What `waddle export` and `waddle erase` differ in: their command line, the job they start, what they do with it once run. */
export interface PrivacyJobCommand {
  readonly line: CommandLine;
  /** Starts the user's job, or returns the one running (`startExport`, `startErasure`), as requested by an operator. */
  start(central: D1DatabaseLike, userId: number, requestedBy: 'operator', now: number): Promise<PrivacyJob>;
  /** Reports the job after its run (done, or not finished) and returns the exit code. */
  finish(job: PrivacyJob, args: Exclude<PrivacyArguments, { exitCode: number }>, central: D1DatabaseLike): Promise<number>;
}

/**
 * Runs a privacy command of the command line: parses `<user-id>` and its options (exit code 2
 * for bad arguments), opens the central database and those of the user's waddles, refuses a user
 * who does not exist (`<command>: there is no user N` to `io.err`, exit code 1), starts or
 * resumes the job, runs it to the end in steps of at most 900 queries with one progress line a
 * step (`export job 7: 2/5 databases done`), and hands it to `command.finish`. The databases are
 * closed however it ends. Queries of its own, besides the job's:
 *
 * ```sql
 * select "id" from "users" where "id" = ?
 * ```
 *
 * @example
 * ```ts
 * return runPrivacyJobCommand({ line: ERASE_COMMAND_LINE, start: startErasure, finish: async (job) => … }, argv, io, target);
 * ```
 */
export async function runPrivacyJobCommand(
  command: PrivacyJobCommand,
  argv: readonly string[],
  io: CommandIo,
  target?: DatabaseTarget,
): Promise<number> {
  const args = parsePrivacyArguments(command.line, argv, io);
  if ('exitCode' in args) return args.exitCode;
  const databases = await openPrivacyDatabases(args.target, args.userId, target);
  try {
    const user = await centralKysely(databases.central).selectFrom('users').select('id').where('id', '=', args.userId).executeTakeFirst();
    if (!user) {
      io.err(`${command.line.command}: there is no user ${args.userId}`);
      return 1;
    }
    const started = await command.start(databases.central, args.userId, 'operator', systemClock());
    const job = await runJobToEnd(databases.central, databases.connectors, started.id, {
      ...(databases.attachments ? { attachments: databases.attachments } : {}),
      maxQueriesPerStep: 900,
      clock: systemClock,
      onStep: (step) =>
        io.progress(
          `${step.job.kind} job ${step.job.id}: ${step.job.parts.filter((p) => p.status === 'done').length}/${step.job.parts.length} databases done\n`,
        ),
    });
    return await command.finish(job, args, databases.central);
  } finally {
    await databases.dispose();
  }
}
