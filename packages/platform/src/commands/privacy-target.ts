import { parseArgs } from 'node:util';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { localConnector } from '../local/local-connector.ts';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';

/** The databases a privacy command works on: the central one and those of the user's waddles. */
export interface PrivacyDatabases {
  readonly central: D1DatabaseLike;
  readonly connectors: readonly DatabaseConnector[];
  dispose(): Promise<void>;
}

/** The parsed arguments of `waddle export` / `waddle erase`, or the usage error. */
export type PrivacyArguments = { readonly userId: number; readonly out?: string; readonly target: 'local' | 'remote' } | { readonly error: string };

/** Parses `<user-id> [--target local|remote] [--out FILE]` (`--out` only where `withOut`). */
export function parsePrivacyArguments(argv: readonly string[], withOut: boolean): PrivacyArguments {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { target: { type: 'string', default: 'local' }, ...(withOut ? { out: { type: 'string' } } : {}) },
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const [user, ...extra] = parsed.positionals;
  if (!user || extra.length > 0 || !/^[1-9][0-9]{0,15}$/.test(user)) return { error: 'give one user id' };
  const target = parsed.values.target;
  if (target !== 'local' && target !== 'remote') return { error: "--target must be 'local' or 'remote'" };
  return { userId: Number(user), target, out: (parsed.values as { out?: string }).out };
}

/**
 * Opens the central database of a target and the databases of every waddle a user ever joined,
 * or that a job of theirs still has work in, found through the registry (locally, Miniflare has
 * to be told every database up front, hence a first look at the central database alone).
 *
 * ```sql
 * SELECT d1_database_id FROM waddles WHERE id IN (SELECT waddle_id FROM user_waddles WHERE user_id = ?)
 *   OR id IN (SELECT p.part FROM privacy_job_parts p JOIN privacy_jobs j ON j.id = p.job_id WHERE j.user_id = ? AND p.status = 'pending')
 * ```
 */
export async function openPrivacyDatabases(chosen: 'local' | 'remote', userId: number, given?: DatabaseTarget): Promise<PrivacyDatabases> {
  const target = given ?? (chosen === 'remote' ? remoteTargetFromEnvironment() : localTarget());
  const first = await target.open([target.centralDatabaseId]);
  let databaseIds: string[];
  try {
    const { results } = await first
      .get(target.centralDatabaseId)
      .prepare(
        `SELECT d1_database_id FROM waddles WHERE id IN (SELECT waddle_id FROM user_waddles WHERE user_id = ?)
           OR id IN (SELECT p.part FROM privacy_job_parts p JOIN privacy_jobs j ON j.id = p.job_id WHERE j.user_id = ? AND p.status = 'pending')`,
      )
      .bind(userId, userId)
      .all<{ d1_database_id: string }>();
    databaseIds = results.map((row) => row.d1_database_id);
  } finally {
    await first.dispose();
  }
  const opened = await target.open([target.centralDatabaseId, ...databaseIds]);
  return { central: opened.get(target.centralDatabaseId), connectors: [localConnector(opened)], dispose: () => opened.dispose() };
}
