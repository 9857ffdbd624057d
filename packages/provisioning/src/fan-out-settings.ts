import type { Clock } from '@waddle/clock/clock';
import type { Migration } from '@waddle/migrator/migration';
import type { DatabaseOutcome } from './fan-out-report.ts';

/**
 * How a migrate fan-out runs, whatever the target: what a target's own `migrateAll` accepts.
 */
export interface FanOutSettings {
  /** Databases migrated at the same time (default 8). */
  readonly concurrency?: number;
  /** Report what would be applied, change nothing. */
  readonly dryRun?: boolean;
  /** Called after each database, for progress. */
  readonly onProgress?: (progress: { readonly done: number; readonly total: number; readonly outcome: DatabaseOutcome }) => void;
  /** Called while another run holds the lease. */
  readonly onWaiting?: (holder: string) => void;
  /** How long to wait for another run's lease before giving up (default 10 minutes). */
  readonly leaseWaitMs?: number;
  /** The time leases and recorded versions are stamped with (default: the system clock). */
  readonly clock?: Clock;
  readonly centralMigrations?: readonly Migration[];
  readonly waddleMigrations?: readonly Migration[];
}
