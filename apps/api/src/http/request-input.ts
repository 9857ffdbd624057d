import type { z } from 'zod';
import { ApiError, badRequest } from './api-error.ts';
import { reactionEmojiViolation, storedReactionViolation } from './reaction-emoji.ts';
import type { Route } from './route.ts';
import { API_CODE } from './schemas.ts';

/** The largest request body accepted (64 KiB): a message is at most 4,000 characters. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Validates everything a request carries against its route before any database is touched:
 * path parameters (ids are positive integers below 2^53, except role 0, the default role; a new
 * reaction's emoji is one emoji or a custom emoji id, see `reactionEmojiViolation`), the query
 * (each name once, no unknown names) and the JSON body (size, syntax, schema, no unknown
 * fields). Any failure is a 400 naming the field: `invalid_text` for text breaking the text rule
 * (or a reaction that is no emoji), else `invalid_path`, `invalid_query` or `invalid_body`.
 */
export async function parseRequestInput(
  route: Route,
  rawParams: Readonly<Record<string, string>>,
  request: Request,
  url: URL,
): Promise<{ params: Record<string, string | number>; query: unknown; body: unknown }> {
  const params: Record<string, string | number> = {};
  for (const [name, raw] of Object.entries(rawParams)) params[name] = parsePathParameter(route, name, raw);

  const rawQuery: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (name in rawQuery) throw badRequest('invalid_query', `query parameter ${name} is given more than once`);
    rawQuery[name] = value;
  }
  if (!route.query && Object.keys(rawQuery).length > 0)
    throw badRequest('invalid_query', `this endpoint takes no query parameters (got ${Object.keys(rawQuery).join(', ')})`);
  const query = route.query ? validate(route.query, rawQuery, 'query', 'invalid_query') : {};

  const body = route.body ? validate(route.body, await readJsonBody(request), 'body', 'invalid_body') : undefined;
  return { params, query, body };
}

function parsePathParameter(route: Route, name: string, raw: string): string | number {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw badRequest('invalid_path', `${name} is not valid percent-encoding`);
  }
  if (name === 'emoji') {
    // Removing takes any reaction that may be stored (older ones were not restricted to emoji).
    const violation = route.method === 'DELETE' ? storedReactionViolation(value) : reactionEmojiViolation(value);
    if (violation !== null) throw badRequest('invalid_text', `path.emoji: ${violation}`);
    return value;
  }
  // Role 0 is the default role (`@everyone`); every other id starts at 1.
  const pattern = name === 'role' ? /^(0|[1-9][0-9]{0,15})$/ : /^[1-9][0-9]{0,15}$/;
  if (!pattern.test(value) || !Number.isSafeInteger(Number(value)))
    throw badRequest('invalid_path', `${name} must be a ${name === 'role' ? 'role id (0 for the default role)' : 'positive integer id'}`);
  return Number(value);
}

async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new ApiError(413, 'body_too_large', `the body is limited to ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES)
    throw new ApiError(413, 'body_too_large', `the body is limited to ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '') throw badRequest('invalid_body', 'this endpoint needs a JSON body');
  const type = request.headers.get('content-type');
  if (type !== null && !/^application\/json\s*(;|$)/i.test(type))
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'the body is not valid JSON');
  }
}

function validate<T>(schema: z.ZodType<T>, value: unknown, where: string, code: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  // zod reports at least one issue for a failed parse.
  if (!issue) throw badRequest(code, `${where}: invalid`);
  const path = [where, ...issue.path.map(String)].join('.');
  const issueCode = issue.code === 'custom' ? issue.params?.[API_CODE] : undefined;
  throw badRequest(typeof issueCode === 'string' ? issueCode : code, `${path}: ${issue.message}`);
}
