// Secrets and optional settings of the API Worker, beside the bindings and vars `wrangler types` generates
// (from wrangler.jsonc, such as EXPORT_ARCHIVE_TTL_HOURS). Locally secrets come from `apps/api/.dev.vars`, which `npm start` writes.
interface WaddleApiSettings {
  /** Signs and verifies access tokens (HS256); at least 32 characters. */
  AUTH_SECRET: string;
  /** D1 REST API of the account, for waddle databases without a binding and for creating databases. */
  CLOUDFLARE_API_BASE_URL?: string;
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_API_TOKEN?: string;
}
interface Env extends WaddleApiSettings {}
declare namespace Cloudflare {
  interface Env extends WaddleApiSettings {}
}
