import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { DatabaseTarget } from '../targets/database-target.ts';

export interface NewWaddle {
  /** URL-safe: 2 to 64 of `a-z`, `0-9`, `-`. */
  readonly name: string;
  readonly displayName: string;
  readonly ownerId: number;
  readonly isPublic?: boolean;
  readonly description?: string;
}

export interface ProvisionedWaddle {
  readonly waddleId: number;
  readonly d1DatabaseId: string;
  readonly schemaVersion: string | null;
}

/** The waddle cannot be created as asked; nothing was created. */
export class WaddleProvisioningError extends Error {
  override readonly name = 'WaddleProvisioningError';
  readonly reason: 'invalid-name' | 'name-taken' | 'migration-failed';

  constructor(reason: WaddleProvisioningError['reason'], message: string, options?: { cause: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

const NAME = /^[a-z0-9-]{2,64}$/;

/**
 * Creates a waddle: a new D1 database on the target (local: a new file in the state directory;
 * remote: `POST /d1/database`), the latest waddle schema applied to it, then its registry row and
 * its owner's membership in the central database, in one batch. The name is checked first, so a
 * bad or taken name creates no database. A database whose migration fails is not registered
 * (the error says which); it can be deleted or retried by name.
 *
 * ```sql
 * SELECT 1 FROM waddles WHERE name = ?;
 * -- then, after creating and migrating the database, in one batch:
 * INSERT INTO waddles (name, display_name, description, owner_id, is_public, d1_database_id, schema_version) VALUES (…) RETURNING id;
 * INSERT INTO waddle_members (waddle_id, user_id) VALUES (last_insert_rowid(), ?);
 * ```
 */
export async function createWaddle(central: D1DatabaseLike, target: DatabaseTarget, waddle: NewWaddle): Promise<ProvisionedWaddle> {
  if (!NAME.test(waddle.name)) {
    throw new WaddleProvisioningError('invalid-name', `waddle name ${JSON.stringify(waddle.name)} must be 2 to 64 of a-z, 0-9 and -`);
  }
  if (await central.prepare('SELECT 1 FROM waddles WHERE name = ?').bind(waddle.name).first()) {
    throw new WaddleProvisioningError('name-taken', `a waddle named ${waddle.name} already exists`);
  }

  const d1DatabaseId = await target.createDatabase(`waddle-${waddle.name}`);
  const opened = await target.open([d1DatabaseId]);
  let schemaVersion: string | null;
  try {
    const migrator = new Migrator({ database: opened.get(d1DatabaseId), migrations: waddleMigrations });
    const { error } = await migrator.migrateToLatest();
    if (error) {
      throw new WaddleProvisioningError('migration-failed', `database ${d1DatabaseId} of waddle ${waddle.name} did not migrate: ${String(error)}`, { cause: error });
    }
    schemaVersion = (await migrator.getStatus()).version;
  } finally {
    await opened.dispose();
  }

  const [registered] = await central.batch<{ id: number }>([
    central
      .prepare(
        `INSERT INTO waddles (name, display_name, description, owner_id, is_public, d1_database_id, schema_version)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      )
      .bind(waddle.name, waddle.displayName, waddle.description ?? null, waddle.ownerId, waddle.isPublic ? 1 : 0, d1DatabaseId, schemaVersion),
    central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (last_insert_rowid(), ?)').bind(waddle.ownerId),
  ]);
  return { waddleId: registered!.results[0]!.id, d1DatabaseId, schemaVersion };
}
