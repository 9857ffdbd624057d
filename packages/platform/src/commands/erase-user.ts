import { systemClock } from '@waddle/clock/clock';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startErasure } from '@waddle/privacy/start-erasure';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import type { CommandIo } from './migrate.ts';
import { openPrivacyDatabases, parsePrivacyArguments } from './privacy-target.ts';
import { privacyJobTable } from './privacy-job-table.ts';

/**
 * `waddle erase <user-id> [--target local|remote]`: erases a user (see `startErasure`: the
 * directory at once, then every waddle database they ever joined), or resumes the erasure already
 * running (one `DELETE /v1/me` left unfinished, or a failed run), and runs it to the end from
 * here; prints each database's progress. Exit code 1 when the user does not exist or a database
 * keeps failing (rerun to retry it), 2 for bad arguments.
 */
export async function eraseUserCommand(argv: readonly string[], io: CommandIo, target?: DatabaseTarget): Promise<number> {
  const args = parsePrivacyArguments(argv, false);
  if ('error' in args) {
    io.out(`erase: ${args.error} (usage: waddle erase <user-id> [--target local|remote])`);
    return 2;
  }
  const databases = await openPrivacyDatabases(args.target, args.userId, target);
  try {
    const user = await databases.central.prepare('SELECT id FROM users WHERE id = ?').bind(args.userId).first();
    if (!user) {
      io.out(`erase: there is no user ${args.userId}`);
      return 1;
    }
    const started = await startErasure(databases.central, args.userId, 'operator', systemClock());
    const job = await runJobToEnd(databases.central, databases.connectors, started.id, {
      maxQueriesPerStep: 900,
      clock: systemClock,
      onStep: (step) => io.progress(`erasure job ${step.job.id}: ${step.job.parts.filter((p) => p.status === 'done').length}/${step.job.parts.length} databases done\n`),
    });
    io.out(privacyJobTable(job));
    io.out(job.status === 'done' ? `user ${args.userId} is erased (job ${job.id})` : `erasure job ${job.id} is not finished: run the command again to retry the failing databases`);
    return job.status === 'done' ? 0 : 1;
  } finally {
    await databases.dispose();
  }
}
