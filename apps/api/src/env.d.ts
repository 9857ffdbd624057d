// Secrets and optional settings of the API Worker, beside the bindings and vars `wrangler types` generates
// (from wrangler.jsonc, such as EXPORT_ARCHIVE_TTL_HOURS). Locally secrets come from `apps/api/.dev.vars`, which `npm start` writes.
interface WaddleApiSettings {
  /**
   * The API's HS256 keys, JSON `[{ "kid": "...", "secret": "..." }, ...]`: the first signs, all
   * verify (a rotation, docs/tokens.md). Secrets of at least 32 characters.
   */
  AUTH_KEYS?: string;
  /** One HS256 secret (at least 32 characters), the key `default`; with AUTH_KEYS, it verifies only. */
  AUTH_SECRET?: string;
  /** An identity provider whose tokens are accepted too: its JWKS URL, and the `iss` and `aud` its tokens must name. */
  AUTH_JWKS_URL?: string;
  AUTH_JWT_ISSUER?: string;
  AUTH_JWT_AUDIENCE?: string;
  /**
   * Locally: the local platform's dispatch namespace (`http://127.0.0.1:8789/dispatch/waddle-slices`,
   * written by `waddle up`), used instead of the `SLICES` binding, which Miniflare only proxies to a
   * remote account.
   */
  SLICES_DISPATCH_URL?: string;
  /** The dispatch namespace `POST /v1/waddles` uploads slices into (default `waddle-slices`, the `SLICES` binding's namespace). */
  SLICES_NAMESPACE?: string;
  /** Databases per slice for new placements (1 to 250, default 250); lower only to test full slices. */
  SLICE_CAPACITY?: string;
  /** D1 REST API of the account, for waddle databases no slice reaches yet and for creating databases. */
  CLOUDFLARE_API_BASE_URL?: string;
  CLOUDFLARE_ACCOUNT_ID?: string;
  CLOUDFLARE_API_TOKEN?: string;
}
interface Env extends WaddleApiSettings {}
declare namespace Cloudflare {
  interface Env extends WaddleApiSettings {}
}
