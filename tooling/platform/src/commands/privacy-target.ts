import { type CommandLine, type CommandLineOutput, parseCommandLine, usageError } from '@waddle/command-line/parse-command-line';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { AttachmentBucket } from '@waddle/privacy/advance-job';
import type { DatabaseConnector } from '@waddle/registry/database-connectors';
import { sql } from 'kysely';
import { centralKysely } from '../central-kysely.ts';
import { openLocalAttachmentBucket } from '../local/local-attachment-bucket.ts';
import { localConnector } from '../local/local-connector.ts';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { localTarget } from '../targets/local-target.ts';
import { remoteTargetFromEnvironment } from '../targets/remote-target-from-environment.ts';
import { userIdArgument } from './user-id-argument.ts';

/** The databases a privacy command works on: the central one and those of the user's waddles. */
export interface PrivacyDatabases {
  readonly central: D1DatabaseLike;
  readonly connectors: readonly DatabaseConnector[];
  /**
   * The attachment bucket, locally (Miniflare's R2 beside the D1 state), so an erasure deletes the
   * user's files from it. The remote target has none: a remote erasure of a user with files is
   * finished by the API's cron, which has the binding.
   */
  readonly attachments?: AttachmentBucket;
  dispose(): Promise<void>;
}

/** The parsed arguments of `waddle export` / `waddle erase`, or the exit code of `--help` or of a usage error. */
export type PrivacyArguments =
  | { readonly userId: number; readonly out?: string; readonly target: 'local' | 'remote' }
  | { readonly exitCode: number };

/** Parses `<user-id> [--target local|remote]` (and `--out FILE` where the command line has it). */
export function parsePrivacyArguments(line: CommandLine, argv: readonly string[], io: CommandLineOutput): PrivacyArguments {
  const parsed = parseCommandLine(line, argv, io);
  if ('exitCode' in parsed) return parsed;
  const [user = ''] = parsed.positionals;
  const userId = userIdArgument(user);
  if (userId === null) return { exitCode: usageError(line, `<user-id> must be a positive integer, not '${user}'`, io) };
  return { userId, target: parsed.values.target === 'remote' ? 'remote' : 'local', out: parsed.values.out };
}

/**
 * Opens the central database of a target and the databases of every waddle a user ever joined,
 * or that a job of theirs still has work in, found through each waddle's directory rows: its
 * primary and its serving message shards (locally, Miniflare has to be told every database up
 * front, hence a first look at the central database alone).
 *
 * ```sql
 * select "d"."d1_database_id" from "waddles" as "w" inner join "databases" as "d" on ("d"."id" = "w"."primary_database_id"
 *     or ("d"."shard_waddle_id" = "w"."id" and "d"."message_state" in ('active', 'sealed')))
 *   where ("w"."id" in (select "waddle_id" from "user_waddles" where "user_id" = ?)
 *   or "w"."id" in (select "p"."part" from "privacy_job_parts" as "p" inner join "privacy_jobs" as "j" on "j"."id" = "p"."job_id"
 *                   where "j"."user_id" = ? and "p"."status" = 'pending'))
 * ```
 */
export async function openPrivacyDatabases(chosen: 'local' | 'remote', userId: number, given?: DatabaseTarget): Promise<PrivacyDatabases> {
  const target = given ?? (chosen === 'remote' ? remoteTargetFromEnvironment() : localTarget());
  const first = await target.open([target.centralDatabaseId]);
  let databaseIds: string[];
  try {
    const rows = await centralKysely(first.get(target.centralDatabaseId))
      .selectFrom('waddles as w')
      .innerJoin('databases as d', (join) =>
        join.on((eb) =>
          eb.or([
            eb('d.id', '=', eb.ref('w.primary_database_id')),
            eb.and([eb('d.shard_waddle_id', '=', eb.ref('w.id')), eb('d.message_state', 'in', [sql.lit('active'), sql.lit('sealed')])]),
          ]),
        ),
      )
      .select('d.d1_database_id')
      .where((eb) =>
        eb.or([
          eb('w.id', 'in', eb.selectFrom('user_waddles').select('waddle_id').where('user_id', '=', userId)),
          eb(
            'w.id',
            'in',
            eb
              .selectFrom('privacy_job_parts as p')
              .innerJoin('privacy_jobs as j', 'j.id', 'p.job_id')
              .select('p.part')
              .where('j.user_id', '=', userId)
              .where('p.status', '=', sql.lit('pending')),
          ),
        ]),
      )
      .execute();
    databaseIds = rows.map((row) => row.d1_database_id);
  } finally {
    await first.dispose();
  }
  const opened = await target.open([target.centralDatabaseId, ...databaseIds]);
  const bucket =
    target.name === 'local' && 'stateDirectory' in opened ? await openLocalAttachmentBucket(String(opened.stateDirectory)) : undefined;
  return {
    central: opened.get(target.centralDatabaseId),
    connectors: [localConnector(opened)],
    ...(bucket ? { attachments: bucket.bucket } : {}),
    dispose: async () => {
      await bucket?.dispose();
      await opened.dispose();
    },
  };
}
