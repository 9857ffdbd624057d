import { type Clock, systemClock } from '@waddle/clock/clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import type { DatabaseReach } from '@waddle/registry/assign-reach';
import { directoryKysely } from '@waddle/registry/directory-kysely';
import { registerDatabaseQuery } from '@waddle/registry/register-database';
import { sliceBindingName } from '@waddle/slice-worker/slice-binding-name';
import { migrateThroughSlice } from '@waddle/slice-worker/slice-jobs';
import type { MigrateJobOutcome } from '@waddle/slice-worker/slice-protocol';
import { uploadSlice } from '@waddle/slice-worker/upload-slice';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { batchOf, firstRowOf } from './central-statements.ts';
import type { DatabaseTarget } from './database-target.ts';
import { OrphanedDatabaseError } from './orphaned-database-error.ts';
import type { SliceNamespace } from './slice-namespace.ts';
import { inSliceWithRoom, type SliceRoom } from './slice-room.ts';

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
  /** The slice the data path reaches it through (`null` on a target without a dispatch namespace). */
  readonly slice: string | null;
}

/** The waddle cannot be created as asked; nothing is left of the attempt (a database created for it was deleted). */
export class WaddleProvisioningError extends Error {
  override readonly name = 'WaddleProvisioningError';
  /**
   * `slice-failed`: the slice chosen for it refused the upload with its binding, failed to start,
   * or could not be reached to migrate it; its previous version keeps serving the others.
   */
  readonly reason: 'invalid-name' | 'name-taken' | 'migration-failed' | 'slice-failed';

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
 * **Into a slice** when the target has a dispatch namespace (`target.slices`: the remote target
 * given one, as the api Worker and `waddle up` configure it): under the lease of a slice with room
 * (`inSliceWithRoom`: the newest `slice-NNNN` below its capacity, or a new one), the slice is
 * re-uploaded with every database the directory places in it plus the new one (one control-plane
 * call, `uploadSlice`), the new database is migrated by the slice's migrate job (through the
 * dispatcher, no REST statement), and the directory row is written with the slice and its binding
 * (`sliceBindingName`) in the same one batch; then the lease is given back. A target without a
 * namespace (the plain local target, Worker bindings) migrates through `target.open` and registers
 * the database with no slice, as before; `waddle slices rebalance` moves it into a slice later.
 *
 * A database is never left behind unregistered: when uploading its slice, migrating or
 * registering fails, it is deleted (local: its files; remote: `DELETE
 * /accounts/{account_id}/d1/database/{database_id}`) before the error is thrown; a slice that
 * refused the upload or failed to start keeps its previous version (`slice-failed`), and one
 * that took it is uploaded again without the new binding before the database is deleted. Two
 * creations of one name that both pass the check race on `UNIQUE (waddles.name)`; the loser
 * deletes its database and throws `name-taken`. A failed migration throws `migration-failed`. A
 * registration that failed otherwise may still have committed (an answer lost on the way
 * back): when its row names the database, the waddle is returned as created and the database
 * kept. If the database cannot be deleted (or whether it was registered cannot be read),
 * {@link OrphanedDatabaseError} names it, with the original error as its cause.
 *
 * ```sql
 * SELECT id FROM waddles WHERE name = ?;
 * -- into a slice: the lease and the slice's databases (see inSliceWithRoom), the upload and the migrate job, then
 * -- after creating and migrating the database, in one batch:
 * INSERT INTO databases (role, d1_database_id, slice, binding, schema_version, created_at, updated_at) VALUES ('waddle', ?, ?, ?, ?, ?, ?);
 * INSERT INTO waddles (name, display_name, description, owner_id, is_public, d1_database_id, primary_database_id)
 *   VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM databases WHERE d1_database_id = ?)) RETURNING id;
 * INSERT INTO waddle_members (waddle_id, user_id) VALUES ((SELECT id FROM waddles WHERE name = ?), ?);
 * -- only if that batch fails other than on the name, before deleting the database:
 * SELECT id FROM waddles WHERE d1_database_id = ?;
 * ```
 *
 * @example
 * ```ts
 * const created = await createWaddle(env.CENTRAL_DB, remoteTarget(api, '', { slices }), { name: 'penguins', displayName: 'Penguins', ownerId: 7 }, { clock });
 * created.slice; // 'slice-0001'
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
  if (await firstRowOf(central, directoryKysely.selectFrom('waddles').select('id').where('name', '=', waddle.name))) {
    throw new WaddleProvisioningError('name-taken', `a waddle named ${waddle.name} already exists`);
  }
  const clock = options.clock ?? systemClock;
  const d1DatabaseId = await target.createDatabase(`waddle-${waddle.name}`);
  const { slices } = target;
  try {
    if (!slices) {
      const schemaVersion = await migrateNewDatabase(target, d1DatabaseId, waddle.name);
      return await register(central, waddle, d1DatabaseId, schemaVersion, { slice: null, binding: null }, clock());
    }
    return await inSliceWithRoom(central, slices, `provisioning:${d1DatabaseId}`, clock, (room) =>
      provisionInSlice(central, slices, room, waddle, d1DatabaseId, clock),
    );
  } catch (error) {
    if (error instanceof OrphanedDatabaseError) throw error;
    throw await afterDeleting(target, d1DatabaseId, waddle.name, error);
  }
}

/**
 * Under the slice's lease: uploads it with the new database's binding, migrates the database with
 * the slice's migrate job and registers it with its slice and binding. On a failure after the
 * upload, the slice is uploaded again with the databases it had, so no slice binds a database
 * that is about to be deleted.
 */
async function provisionInSlice(
  central: D1DatabaseLike,
  slices: SliceNamespace,
  room: SliceRoom,
  waddle: NewWaddle,
  d1DatabaseId: string,
  clock: Clock,
): Promise<ProvisionedWaddle> {
  const upload = (databases: readonly string[]) =>
    uploadSlice(slices.api, { namespace: slices.namespace, slice: room.slice, script: slices.script, databases });
  try {
    await upload([...room.kept, d1DatabaseId]);
  } catch (error) {
    throw new WaddleProvisioningError(
      'slice-failed',
      `slice ${room.slice} did not take database ${d1DatabaseId} of waddle ${waddle.name}: ${String(error)}`,
      { cause: error },
    );
  }
  try {
    const outcome = await migrateInSlice(slices, room.slice, d1DatabaseId, waddle.name);
    return await register(central, waddle, d1DatabaseId, outcome, { slice: room.slice, binding: sliceBindingName(d1DatabaseId) }, clock());
  } catch (error) {
    // Registered after all (OrphanedDatabaseError: unknown): keep the binding. Otherwise take it
    // out again; should that upload fail too, deleting the database still leaves no data behind
    // and the slice's next upload (which lists the directory's databases only) drops the binding.
    if (!(error instanceof OrphanedDatabaseError)) await upload(room.kept).catch(() => undefined);
    throw error;
  }
}

/** Applies every waddle migration to the new database with its slice's migrate job; its schema version. */
async function migrateInSlice(slices: SliceNamespace, slice: string, d1DatabaseId: string, waddleName: string): Promise<string | null> {
  let outcome: MigrateJobOutcome | undefined;
  try {
    [outcome] = await migrateThroughSlice(slices.dispatcher, slice, [d1DatabaseId]);
  } catch (error) {
    throw new WaddleProvisioningError(
      'slice-failed',
      `slice ${slice} could not migrate database ${d1DatabaseId} of waddle ${waddleName}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  if (outcome?.status !== 'migrated' && outcome?.status !== 'current') {
    throw new WaddleProvisioningError(
      'migration-failed',
      `database ${d1DatabaseId} of waddle ${waddleName} did not migrate: ${outcome?.error ?? 'no outcome from its slice'}`,
    );
  }
  return outcome.version;
}

/** Applies every waddle migration to the new database through the target; its schema version. */
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

/**
 * Registers the database in the directory (with its reach), the waddle and its owner's membership
 * in one batch. A batch that failed on the name throws `name-taken`; one that failed otherwise is
 * checked for having committed anyway (an answer lost), and {@link OrphanedDatabaseError} is
 * thrown when that cannot be read, so the database is not deleted under a waddle that may list it.
 */
async function register(
  central: D1DatabaseLike,
  waddle: NewWaddle,
  d1DatabaseId: string,
  schemaVersion: string | null,
  reach: DatabaseReach,
  now: number,
): Promise<ProvisionedWaddle> {
  try {
    const [, inserted] = await batchOf(central, [
      registerDatabaseQuery({ role: 'waddle', d1DatabaseId, schemaVersion, ...reach }, now),
      directoryKysely
        .insertInto('waddles')
        .values({
          name: waddle.name,
          display_name: waddle.displayName,
          description: waddle.description ?? null,
          owner_id: waddle.ownerId,
          is_public: waddle.isPublic ? 1 : 0,
          d1_database_id: d1DatabaseId,
          primary_database_id: (eb) => eb.selectFrom('databases').select('id').where('d1_database_id', '=', d1DatabaseId),
        })
        .returning('id'),
      directoryKysely.insertInto('waddle_members').values({
        waddle_id: (eb) => eb.selectFrom('waddles').select('id').where('name', '=', waddle.name),
        user_id: waddle.ownerId,
      }),
    ] as const);
    const waddleId = inserted.results[0]?.id;
    if (waddleId === undefined) throw new Error(`waddle ${waddle.name} was inserted without an id`);
    return { waddleId, d1DatabaseId, schemaVersion, slice: reach.slice };
  } catch (error) {
    if (NAME_TAKEN.test(String(error))) {
      throw new WaddleProvisioningError('name-taken', `a waddle named ${waddle.name} already exists`, { cause: error });
    }
    let committed: { id: number } | null;
    try {
      committed = await firstRowOf(central, directoryKysely.selectFrom('waddles').select('id').where('d1_database_id', '=', d1DatabaseId));
    } catch (checkError) {
      throw new OrphanedDatabaseError(
        d1DatabaseId,
        `database ${d1DatabaseId} of waddle ${waddle.name} was not deleted: registering it failed (${String(error)}) and whether it was registered could not be read (${String(checkError)}); delete it unless a waddle lists it`,
        { cause: error, cleanupError: checkError },
      );
    }
    if (committed) return { waddleId: committed.id, d1DatabaseId, schemaVersion, slice: reach.slice };
    throw error;
  }
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
