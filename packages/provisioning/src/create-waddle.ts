import { type Clock, systemClock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { statementOf } from '@waddle/registry/directory-kysely';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseTarget } from './database-target.ts';
import { OrphanedDatabaseError } from './orphaned-database-error.ts';

export interface NewWaddle {
  /** URL-safe: 2 to 64 of `a-z`, `0-9`, `-`. */
  readonly name: string;
  readonly displayName: string;
  readonly ownerId: number;
  readonly isPublic?: boolean;
  readonly description?: string;
}

/** How a provisioning runs. */
export interface ProvisioningOptions {
  /** The time the directory row is stamped with (default: the system clock). */
  readonly clock?: Clock;
}

export interface ProvisionedWaddle {
  readonly waddleId: number;
  readonly d1DatabaseId: string;
  readonly schemaVersion: string | null;
}

/** The waddle cannot be created as asked; nothing is left of the attempt (a database created for it was deleted). */
export class WaddleProvisioningError extends Error {
  override readonly name = 'WaddleProvisioningError';
  readonly reason: 'invalid-name' | 'name-taken' | 'migration-failed';

  constructor(reason: WaddleProvisioningError['reason'], message: string, options?: { cause: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

const NAME = /^[a-z0-9-]{2,64}$/;

/** How D1 reports a second waddle of the same name (over a binding: `D1_ERROR: …`, over REST: `D1 REST API 400: …`). */
const NAME_TAKEN = /UNIQUE constraint failed: waddles\.name/;

/**
 * Creates a waddle: a new D1 database on the target (local: a new file in the state directory;
 * remote: `POST /accounts/{account_id}/d1/database`), the latest waddle schema applied to it, then
 * in one batch its row in the directory of databases, the waddle's registry row pointing at it and
 * its owner's membership in the central database: all three or none. The name is checked first,
 * so a bad or taken name creates no database.
 *
 * A database is never left behind unregistered: when migrating or registering fails, it is
 * deleted (local: its files; remote: `DELETE /accounts/{account_id}/d1/database/{database_id}`)
 * before the error is thrown. Two creations of one name that both pass the check race on
 * `UNIQUE (waddles.name)`; the loser deletes its database and throws `name-taken`. A failed
 * migration throws `migration-failed`. A registration that failed otherwise may still have
 * committed (an answer lost on the way back): when its row names the database, the waddle is
 * returned as created and the database kept. If the database cannot be deleted (or whether it
 * was registered cannot be read), {@link OrphanedDatabaseError} names it, with the original error
 * as its cause.
 *
 * ```sql
 * SELECT 1 FROM waddles WHERE name = ?;
 * -- then, after creating and migrating the database, in one batch:
 * INSERT INTO databases (role, d1_database_id, slice, binding, schema_version, created_at, updated_at) VALUES ('waddle', ?, NULL, NULL, ?, ?, ?);
 * INSERT INTO waddles (name, display_name, description, owner_id, is_public, d1_database_id, schema_version, primary_database_id)
 *   VALUES (…, (SELECT id FROM databases WHERE d1_database_id = ?)) RETURNING id;
 * INSERT INTO waddle_members (waddle_id, user_id) VALUES (last_insert_rowid(), ?);
 * -- only if that batch fails other than on the name, before deleting the database:
 * SELECT id FROM waddles WHERE d1_database_id = ?;
 * ```
 */
export async function createWaddle(
  central: D1DatabaseLike,
  target: DatabaseTarget,
  waddle: NewWaddle,
  options: ProvisioningOptions = {},
): Promise<ProvisionedWaddle> {
  if (!NAME.test(waddle.name)) {
    throw new WaddleProvisioningError('invalid-name', `waddle name ${JSON.stringify(waddle.name)} must be 2 to 64 of a-z, 0-9 and -`);
  }
  if (await central.prepare('SELECT 1 FROM waddles WHERE name = ?').bind(waddle.name).first()) {
    throw new WaddleProvisioningError('name-taken', `a waddle named ${waddle.name} already exists`);
  }

  const d1DatabaseId = await target.createDatabase(`waddle-${waddle.name}`);
  let schemaVersion: string | null;
  try {
    schemaVersion = await migrateNewDatabase(target, d1DatabaseId, waddle.name);
  } catch (error) {
    throw await afterDeleting(target, d1DatabaseId, waddle.name, error);
  }

  try {
    const now = (options.clock ?? systemClock)();
    return { waddleId: await register(central, waddle, d1DatabaseId, schemaVersion, now), d1DatabaseId, schemaVersion };
  } catch (error) {
    if (NAME_TAKEN.test(String(error))) {
      const taken = new WaddleProvisioningError('name-taken', `a waddle named ${waddle.name} already exists`, { cause: error });
      throw await afterDeleting(target, d1DatabaseId, waddle.name, taken);
    }
    let committed: { id: number } | null;
    try {
      committed = await central.prepare('SELECT id FROM waddles WHERE d1_database_id = ?').bind(d1DatabaseId).first<{ id: number }>();
    } catch (checkError) {
      throw new OrphanedDatabaseError(
        d1DatabaseId,
        `database ${d1DatabaseId} of waddle ${waddle.name} was not deleted: registering it failed (${String(error)}) and whether it was registered could not be read (${String(checkError)}); delete it unless a waddle lists it`,
        { cause: error, cleanupError: checkError },
      );
    }
    if (committed) return { waddleId: committed.id, d1DatabaseId, schemaVersion };
    throw await afterDeleting(target, d1DatabaseId, waddle.name, error);
  }
}

/** Applies every waddle migration to the new database; its schema version. */
async function migrateNewDatabase(target: DatabaseTarget, d1DatabaseId: string, waddleName: string): Promise<string | null> {
  const opened = await target.open([d1DatabaseId]);
  try {
    const migrator = new Migrator({ database: opened.get(d1DatabaseId), migrations: waddleMigrations });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      throw new WaddleProvisioningError(
        'migration-failed',
        `database ${d1DatabaseId} of waddle ${waddleName} did not migrate: ${String(error)}`,
        { cause: error },
      );
    }
    return (await migrator.getStatus()).version;
  } finally {
    await opened.dispose();
  }
}

/** Registers the database in the directory, the waddle and its owner's membership in one batch; the waddle's id. */
async function register(
  central: D1DatabaseLike,
  waddle: NewWaddle,
  d1DatabaseId: string,
  schemaVersion: string | null,
  now: number,
): Promise<number> {
  const [, registered] = await central.batch<{ id: number }>([
    statementOf(central, registerDatabaseQuery({ role: 'waddle', d1DatabaseId, schemaVersion }, now)),
    central
      .prepare(
        `INSERT INTO waddles (name, display_name, description, owner_id, is_public, d1_database_id, schema_version, primary_database_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM databases WHERE d1_database_id = ?)) RETURNING id`,
      )
      .bind(
        waddle.name,
        waddle.displayName,
        waddle.description ?? null,
        waddle.ownerId,
        waddle.isPublic ? 1 : 0,
        d1DatabaseId,
        schemaVersion,
        d1DatabaseId,
      ),
    central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (last_insert_rowid(), ?)').bind(waddle.ownerId),
  ]);
  return registered!.results[0]!.id;
}

/** Deletes the database a failed provisioning created; `failure` to throw, or an {@link OrphanedDatabaseError} if the deletion failed too. */
async function afterDeleting(target: DatabaseTarget, d1DatabaseId: string, waddleName: string, failure: unknown): Promise<unknown> {
  try {
    await target.deleteDatabase(d1DatabaseId);
    return failure;
  } catch (deletionError) {
    return new OrphanedDatabaseError(
      d1DatabaseId,
      `database ${d1DatabaseId} of waddle ${waddleName} is left behind, unregistered: provisioning failed (${String(failure)}) and deleting it failed (${String(deletionError)}); delete it by hand`,
      { cause: failure, cleanupError: deletionError },
    );
  }
}
