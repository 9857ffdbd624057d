// Secrets of the monitor Worker, beside the bindings and vars `wrangler types` generates.
// Locally they come from `apps/monitor/.dev.vars`, which `npm start` writes.
interface WaddleMonitorSecrets {
  /** The operators' dashboard token. */
  MONITOR_TOKEN: string;
  /** Where alerts are POSTed (optional: without it they are only recorded). */
  ALERT_WEBHOOK_URL?: string;
  /**
   * Locally: the local platform's dispatch namespace (`http://127.0.0.1:8789/dispatch/waddle-slices`,
   * written by `waddle up`), used instead of the `SLICES` binding, which Miniflare only proxies to a
   * remote account.
   */
  SLICES_DISPATCH_URL?: string;
  /** The dispatch namespace the shard pass uploads a new shard's slice into (default `waddle-slices`, as the api's). */
  SLICES_NAMESPACE?: string;
  /** Databases per slice, 1 to 250 (default 250), as the api's: lower only to test full slices. */
  SLICE_CAPACITY?: string;
  /** D1 REST API of the account, for waddle databases no slice reaches yet. */
  CLOUDFLARE_API_BASE_URL?: string;
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_API_TOKEN?: string;
}
interface Env extends WaddleMonitorSecrets {}
declare namespace Cloudflare {
  interface Env extends WaddleMonitorSecrets {}
}
