import type { D1DatabaseLike } from '@waddle/d1/database';
import type { MonitorConfig } from '../config/monitor-config.ts';
import type { MonitorDependencies } from '../monitor-dependencies.ts';

/** What the monitor's routes read per request: its thresholds and budgets, and what it reaches outside the central database. */
export interface MonitorSetup {
  readonly config: MonitorConfig;
  readonly dependencies: MonitorDependencies;
}

/**
 * The Hono environment of the monitor Worker (`Hono<MonitorEnv>`): its bindings, and what the
 * dashboard's middleware (`monitorSetup`) hands on to its handlers through `c.var`.
 */
export interface MonitorEnv {
  Bindings: Env;
  Variables: MonitorSetup & {
    /** The central database behind `retryWhenBusy` (locally the api's wrangler dev writes the same file). */
    central: D1DatabaseLike;
  };
}
