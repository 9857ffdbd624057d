declare namespace Cloudflare {
  interface Env {
    WADDLE_PRIVATE: D1Database;
    WADDLE_PUBLIC: D1Database;
  }
}
