declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    SHARD_2: D1Database;
    SHARD_3: D1Database;
    WHOLE: D1Database;
  }
}
