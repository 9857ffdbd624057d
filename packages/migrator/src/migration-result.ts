/** What happened to one migration during a run (Kysely's `MigrationResult`). */
export interface MigrationResult {
  readonly migrationName: string;
  readonly direction: 'Up' | 'Down';
  /**
   * `Success`: applied (or reverted) and recorded. `Error`: it failed and D1 rolled the whole
   * batch back, so the database is as it was before it. `NotExecuted`: not attempted because an
   * earlier migration of the same run failed.
   */
  readonly status: 'Success' | 'Error' | 'NotExecuted';
}

/**
 * The outcome of a run. Expected failures are values, not exceptions: `error` is set when the
 * run stopped early (a failed migration, an unknown migration in the database), and `results`
 * lists each migration the run considered, in order.
 */
export interface MigrationResultSet {
  readonly error?: unknown;
  readonly results: readonly MigrationResult[];
}
