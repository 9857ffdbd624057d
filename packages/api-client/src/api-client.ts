import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './generated/api-schema.ts';

/** The header that carries the caller's D1 session bookmarks, both ways. */
export const BOOKMARK_HEADER = 'X-Waddle-Bookmark';

/** Where the client sends its requests, and as whom. */
export interface ApiClientOptions {
  /** The API's origin: `https://api.example.com`, or `http://127.0.0.1:8787` under `npm start`. */
  readonly baseUrl: string;
  /**
   * The caller's access token, sent as `Authorization: Bearer <token>`; a function is asked before
   * every request (a token that is refreshed). Without one, only the routes that need no token answer.
   */
  readonly token?: string | (() => string | Promise<string>);
  /** A bookmark to start from (`X-Waddle-Bookmark` of an earlier response, kept across page loads). */
  readonly bookmark?: string;
  /** The `fetch` to send requests with (a service binding's, a test's); the global `fetch` by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
}

/** The typed client of the Waddle API: `GET`, `POST`, … of every route (openapi-fetch), and the bookmark it carries. */
export interface ApiClient extends Client<paths> {
  /** The bookmark of the latest response that returned one: sent with every request, so the caller reads its own writes. */
  readonly bookmark: string | undefined;
}

/**
 * A typed client of the Waddle API (openapi-fetch over the types `openapi-typescript` generates
 * from `apps/api/openapi.json`): each route's path and query parameters and body are checked by
 * TypeScript, and each answer is typed by its status, `data` for a success and `error` (the
 * `{"error": {"code", "message"}}` body) for a refusal. Every request carries the bearer token,
 * and the `X-Waddle-Bookmark` of the last response that returned one, so a read after a write
 * sees that write even on a read replica (see docs/api.md, "Read replicas").
 *
 * @example
 * ```ts
 * const api = createApiClient({ baseUrl: 'http://127.0.0.1:8787', token });
 * const { data, error } = await api.GET('/v1/waddles/{waddle}/channels/{channel}/messages', {
 *   params: { path: { waddle: 1, channel: 3 }, query: { anchor: 'newest' } },
 * });
 * if (error) throw new Error(error.error.message);
 * data.messages; // typed from the document
 * ```
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const { token } = options;
  let bookmark = options.bookmark;
  const client = createClient<paths>({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  client.use({
    async onRequest({ request }) {
      if (token !== undefined) request.headers.set('authorization', `Bearer ${typeof token === 'string' ? token : await token()}`);
      if (bookmark !== undefined) request.headers.set(BOOKMARK_HEADER, bookmark);
      return request;
    },
    onResponse({ response }) {
      bookmark = response.headers.get(BOOKMARK_HEADER) ?? bookmark;
      return response;
    },
  });
  return {
    ...client,
    get bookmark() {
      return bookmark;
    },
  };
}
