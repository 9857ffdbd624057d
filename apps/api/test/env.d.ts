declare namespace Cloudflare {
  interface Env {
    WADDLE_PRIVATE: D1Database;
    WADDLE_PUBLIC: D1Database;
    WADDLE_THIRD: D1Database;
    WADDLE_FOURTH: D1Database;
    WADDLE_FIFTH: D1Database;
  }
}
