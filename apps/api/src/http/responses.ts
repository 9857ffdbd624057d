import { z } from '@hono/zod-openapi';

/**
 * The body of every answer other than success: `{"error": {"code", "message"}}`, `code` a stable
 * identifier (`not_found`, `missing_permission`, `slow_mode`, …) and `message` for people. The
 * OpenAPI document names it `Error` (`#/components/schemas/Error`).
 */
export const errorBody = z
  .strictObject({ error: z.strictObject({ code: z.string(), message: z.string() }) })
  .openapi('Error', { description: 'Every answer other than success' });

/** The error statuses the API answers, each with what it means on any route. */
const ERROR_MEANINGS = {
  400: 'Invalid input (path, query, body, or an `X-Waddle-Bookmark` this API did not sign); nothing was written',
  401: 'Missing, malformed, expired or wrongly signed token, or a token of an unknown or erased user (`unauthenticated`)',
  403: 'Banned from the platform (`banned`), or lacking a permission for something the caller can see',
  404: 'Does not exist, or the caller may not see it (the two answers are the same)',
  409: 'Conflicts with the current state',
  410: 'Gone for good',
  413: 'The body is larger than 64 KiB (`body_too_large`)',
  415: 'The body is not sent as `application/json` (`unsupported_media_type`)',
  429: 'Too many requests: wait the seconds of `Retry-After`',
  500: 'An error the API did not expect (`internal`), logged with the route and the request id',
  503: "A database or the identity provider's keys cannot be reached right now (`Retry-After` when known); a waddle's database whose binding slice is down or not configured here: `waddle_unavailable`",
} as const;

/** A status the API answers with the error body. */
export type ErrorStatus = keyof typeof ERROR_MEANINGS;

/** A documented answer with a JSON body. */
export interface JsonAnswer<Schema extends z.ZodType> {
  readonly description: string;
  readonly content: { readonly 'application/json': { readonly schema: Schema } };
}

/**
 * A success answer with a JSON body, for a route's `responses` (`createRoute`): the handler's
 * `c.json(body, status)` is typed by `schema`, and a test holds every answer against it.
 */
export function jsonAnswer<Schema extends z.ZodType>(schema: Schema, description: string): JsonAnswer<Schema> {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * The error answers of a route (status → the error body), for `createRoute`'s `responses`: each
 * status with its general meaning, or with the route's own words where `statuses` gives them
 * (`{ 409: 'A thread with this title exists (`thread_exists`)' }`).
 *
 * @example
 * ```ts
 * responses: { 200: jsonAnswer(channelBody, 'The channel'), ...errorAnswers([404, 413, 415], { 409: 'name taken' }) }
 * ```
 */
export function errorAnswers<Status extends ErrorStatus>(
  statuses: readonly Status[],
  described: Partial<Record<ErrorStatus, string>> = {},
): Record<Status, JsonAnswer<typeof errorBody>> {
  const answers = {} as Record<Status, JsonAnswer<typeof errorBody>>;
  for (const status of statuses) answers[status] = jsonAnswer(errorBody, described[status] ?? ERROR_MEANINGS[status]);
  return answers;
}

/** The errors of every route that needs a token: input or bookmark (400), token (401), global ban (403), unexpected (500), keys unreachable (503). */
export const AUTHENTICATED_ERRORS = [400, 401, 403, 500, 503] as const;

/** The errors of a route inside a waddle: {@link AUTHENTICATED_ERRORS} and 404 (the waddle, or what the path names in it); 503 `waddle_unavailable` also when its database (its binding slice) cannot be reached. */
export const IN_WADDLE_ERRORS = [...AUTHENTICATED_ERRORS, 404] as const;

/** The errors a JSON body adds: too large (413), not `application/json` (415). */
export const BODY_ERRORS = [413, 415] as const;
