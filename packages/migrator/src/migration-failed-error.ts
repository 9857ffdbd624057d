/** A migration's batch failed on the database; D1 rolled it back, so nothing of it remains. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  readonly migrationName: string;
  readonly direction: 'Up' | 'Down';

  constructor(migrationName: string, direction: 'Up' | 'Down', options: { cause: unknown }) {
    super(`migration ${migrationName} (${direction.toLowerCase()}) failed: ${messageOf(options.cause)}`, options);
    this.migrationName = migrationName;
    this.direction = direction;
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
