/**
 * The database records migrations that this code does not have: it was migrated by newer code
 * (or by another schema). Writing to it with this code could corrupt it, so it is refused.
 */
export class UnknownMigrationError extends Error {
  override readonly name = 'UnknownMigrationError';
  readonly migrationNames: readonly string[];

  constructor(migrationNames: readonly string[]) {
    super(`database has migrations this code does not know: ${migrationNames.join(', ')}`);
    this.migrationNames = migrationNames;
  }
}
