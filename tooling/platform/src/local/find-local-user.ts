import { existsSync, statSync } from 'node:fs';
import type { DB } from '@waddle/central-schema/database';
import { openNodeSqliteDatabase } from '@waddle/d1/node-sqlite';
import { openTypedDatabase } from '@waddle/d1/typed-database';
import { localDatabaseFile } from './local-database-file.ts';
import { LOCAL_CENTRAL_DATABASE_ID } from './local-state-directory.ts';

/** What the local central database holds about a user id. */
export type LocalUser =
  | { readonly status: 'active'; readonly username: string }
  | { readonly status: 'erased' }
  | { readonly status: 'unknown' };

/**
 * Looks a user up in the local central database, or answers `null` when there is none yet (no
 * `npm start` so far). It reads the database's SQLite file under the state directory directly,
 * read-only, with `node:sqlite`: one row in a few milliseconds, where starting Miniflare's workerd
 * to ask it costs about 0.75 s (0.4 s of it loading Miniflare). The file is the one local D1
 * writes and it is in WAL mode, so the read sits safely beside the workerd of `wrangler dev` that
 * has it open; it writes nothing and never creates the file.
 *
 * ```sql
 * SELECT "username", "deleted_at" FROM "users" WHERE "id" = ?
 * ```
 *
 * @example
 * ```ts
 * await findLocalUser(LOCAL_STATE_DIRECTORY, 1); // { status: 'active', username: 'ada' }
 * ```
 */
export async function findLocalUser(stateDirectory: string, userId: number): Promise<LocalUser | null> {
  const file = localDatabaseFile(stateDirectory, LOCAL_CENTRAL_DATABASE_ID);
  // A file of 0 bytes is a database claimed but not migrated yet: it has no users table.
  if (!existsSync(file) || statSync(file).size === 0) return null;
  const d1 = openNodeSqliteDatabase(file, { readOnly: true });
  try {
    const { db } = openTypedDatabase<DB>(d1);
    const user = await db.selectFrom('users').select(['username', 'deleted_at']).where('id', '=', userId).executeTakeFirst();
    if (!user) return { status: 'unknown' };
    return user.deleted_at === null ? { status: 'active', username: user.username } : { status: 'erased' };
  } finally {
    d1.close();
  }
}
