import { createHash, createHmac } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The Durable Object namespace Miniflare keeps every local D1 database in (its D1 plugin's
 * `uniqueKey`); each database is one object of it, named by its D1 id.
 */
const D1_OBJECT_NAMESPACE = 'miniflare-D1DatabaseObject';

/**
 * The SQLite file that holds a local D1 database under Miniflare's persistence root, as Miniflare
 * and `wrangler dev` lay it out: `{stateDirectory}/d1/miniflare-D1DatabaseObject/{object id}.sqlite`
 * (with `-wal` and `-shm` beside it once opened), where the object id is workerd's
 * `idFromName(databaseId)` in that namespace: the first 16 bytes of HMAC-SHA256(key, id), then the
 * first 16 bytes of HMAC-SHA256(key, those 16 bytes), in hex, with key = SHA-256 of the namespace.
 *
 * @example
 * ```ts
 * localDatabaseFile('.wrangler/state/v3', 'local-central');
 * // '.wrangler/state/v3/d1/miniflare-D1DatabaseObject/7f18489ceb0dfea3….sqlite'
 * ```
 */
export function localDatabaseFile(stateDirectory: string, databaseId: string): string {
  const key = createHash('sha256').update(D1_OBJECT_NAMESPACE).digest();
  const name = createHmac('sha256', key).update(databaseId).digest().subarray(0, 16);
  const check = createHmac('sha256', key).update(name).digest().subarray(0, 16);
  return join(stateDirectory, 'd1', D1_OBJECT_NAMESPACE, `${Buffer.concat([name, check]).toString('hex')}.sqlite`);
}

/**
 * Claims a local D1 database id by creating its file empty, exclusively (`O_CREAT | O_EXCL`), so
 * two creations, even in two processes, never get the same database. An empty file is an empty
 * SQLite database to workerd. Answers `false` when the database already exists.
 */
export async function claimLocalDatabaseFile(stateDirectory: string, databaseId: string): Promise<boolean> {
  const file = localDatabaseFile(stateDirectory, databaseId);
  await mkdir(dirname(file), { recursive: true });
  try {
    await writeFile(file, '', { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Deletes a local D1 database: its `-wal` and `-shm` files first, then the database file, so an
 * interrupted deletion never leaves a stale write-ahead log beside a later database of the same
 * id. Nothing may have the database open (dispose its Miniflare first). Answers whether there
 * was a database file (a database bound but never used has none).
 */
export async function deleteLocalDatabaseFiles(stateDirectory: string, databaseId: string): Promise<boolean> {
  const file = localDatabaseFile(stateDirectory, databaseId);
  await rm(`${file}-wal`, { force: true });
  await rm(`${file}-shm`, { force: true });
  try {
    await rm(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
