declare namespace Cloudflare {
  /** The waddle databases bound statically in vitest.config.ts. */
  interface Env {
    WADDLE_PENGUINS: D1Database;
    WADDLE_PUFFINS: D1Database;
    WADDLE_KRILL: D1Database;
  }
}
