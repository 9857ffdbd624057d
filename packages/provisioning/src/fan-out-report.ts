/** What happened to one database. */
export interface DatabaseOutcome {
  /** `central`, or `waddle <name>`. */
  readonly database: string;
  readonly d1DatabaseId: string;
  readonly fromVersion: string | null;
  readonly toVersion: string | null;
  /** `migrated`, `up-to-date`, `failed`, or with `dryRun` `behind` (would be migrated). */
  readonly status: 'migrated' | 'up-to-date' | 'failed' | 'behind';
  /** Migrations applied (or, with `dryRun`, pending). */
  readonly migrations: readonly string[];
  readonly error?: string;
  readonly ms: number;
}

export interface FanOutReport {
  readonly outcomes: readonly DatabaseOutcome[];
  readonly failed: readonly DatabaseOutcome[];
}
