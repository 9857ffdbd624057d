/**
 * The database's applied migrations are not a prefix of this code's list: a migration was
 * inserted before one that is already applied. Merged migrations are frozen; add a new one at the
 * end instead.
 */
export class MigrationOrderError extends Error {
  override readonly name = 'MigrationOrderError';
  readonly missingMigrationName: string;
  readonly appliedAfter: string;

  constructor(missingMigrationName: string, appliedAfter: string) {
    super(`migration ${missingMigrationName} is not applied but the later ${appliedAfter} is`);
    this.missingMigrationName = missingMigrationName;
    this.appliedAfter = appliedAfter;
  }
}
