import type { MiddlewareHandler } from 'hono';
import { ApiError, badRequest } from './api-error.ts';

/** The largest request body accepted (64 KiB): a message is at most 4,000 characters. */
export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = () => new ApiError(413, 'body_too_large', `the body is limited to ${MAX_BODY_BYTES} bytes`);

/**
 * The checks of a route's JSON body before its schema validator reads it, in order: at most 64
 * KiB by its `Content-Length` (413 `body_too_large`), declared `Content-Type: application/json`
 * (415 `unsupported_media_type`, also without a `Content-Type`: the validator reads only a body
 * declared as JSON), at most 64 KiB read (413), not empty (400 `invalid_body`), and JSON (400
 * `invalid_json`). The text read stays in Hono's body cache, so the validator parses it without
 * reading the request again.
 */
export const jsonBody: MiddlewareHandler = async (c, next) => {
  if (Number(c.req.header('content-length') ?? '0') > MAX_BODY_BYTES) throw tooLarge();
  const type = c.req.header('content-type');
  if (type === undefined || !/^application\/json\s*(;|$)/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) throw tooLarge();
  if (text.trim() === '') throw badRequest('invalid_body', 'this endpoint needs a JSON body');
  try {
    JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'the body is not valid JSON');
  }
  await next();
};
