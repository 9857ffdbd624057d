import { InvalidQueryError } from '@waddle/queries/invalid-query-error';
import { MAX_MENTION_TARGETS, writtenMentions } from '@waddle/queries/mentions/mention-syntax';
import { type TextRule, textViolation } from '@waddle/queries/text/text-violation';
import { z } from '@hono/zod-openapi';

/**
 * Building blocks of the request schemas. Text fields follow the platform's one text rule
 * (`textViolation`): well-formed Unicode, no control characters (tab and line breaks only in
 * message content), lengths in code points as SQLite's `length()` counts them; a string that
 * breaks it is refused with `invalid_text`. Ids are positive integers below 2^53.
 */
export const id = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

/** The zod issue parameter naming the API error code of a refusal (`invalid_text`), read by `validationHook`. */
export const API_CODE = 'apiCode';

/**
 * A string keeping `rule` (see `textViolation`), refused with `invalid_text` otherwise. Its
 * JSON Schema says `minLength`/`maxLength`, which JSON Schema counts in code points too.
 */
export const text = (rule: TextRule) => keeping(z.string(), rule);

/** A single-line name or title of `min` to `max` characters (code points), trimmed first; no control characters or line separators. */
export const singleLine = (min: number, max: number) => keeping(z.string().trim(), { min, max });

/**
 * Message text: 1 to 4,000 characters (code points), stored as given; tab, line feed and carriage
 * return allowed; not only whitespace; mentioning at most 50 distinct users and roles
 * (`writtenMentions`).
 */
export const messageContent = keeping(z.string(), { min: 1, max: 4000, multiline: true }).superRefine((content, context) => {
  if (content.trim() === '')
    context.addIssue({ code: 'custom', message: 'must not be only whitespace', params: { [API_CODE]: 'invalid_text' } });
  try {
    writtenMentions(content);
  } catch (error) {
    if (!(error instanceof InvalidQueryError)) throw error;
    context.addIssue({ code: 'custom', message: `must mention at most ${MAX_MENTION_TARGETS} distinct users and roles` });
  }
});

/** Search text: 1 to 500 characters (code points), tab and line breaks allowed. */
export const searchText = text({ min: 1, max: 500, multiline: true });

function keeping(schema: z.ZodString, rule: TextRule): z.ZodString {
  return schema
    .superRefine((value, context) => {
      const violation = textViolation(value, rule);
      if (violation !== null) context.addIssue({ code: 'custom', message: violation, params: { [API_CODE]: 'invalid_text' } });
    })
    .meta({ minLength: rule.min, maxLength: rule.max });
}

/** A path parameter id (`/v1/waddles/42`): digits without a leading zero, a positive integer below 2^53. */
export const pathId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a positive integer id')
  .openapi({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** A role id in a path: 0 is the default role (`@everyone`), every other id starts at 1. */
export const pathRoleId = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be a role id (0 for the default role)')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a role id (0 for the default role)')
  .openapi({ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/** An id in a query string (`?author=42`). */
export const queryId = z
  .string()
  .regex(/^[1-9][0-9]{0,15}$/, 'must be a positive integer id')
  .transform(Number)
  .refine(Number.isSafeInteger, 'must be a positive integer id');

/** A time in a query string: milliseconds since the epoch. */
export const queryTime = z
  .string()
  .regex(/^[0-9]{1,16}$/, 'must be milliseconds since the epoch')
  .transform(Number);

/** A count in a query string, from `min` to `max`. */
export const queryCount = (min: number, max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,4}$/, `must be an integer from ${min} to ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer from ${min} to ${max}`);

/** An opaque cursor returned by a previous page. */
export const cursor = z.string().min(1).max(512);

/** A `#rrggbb` color. */
export const color = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be #rrggbb');

/** A PATCH body: every field optional, at least one given. */
export const patchOf = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z
    .strictObject(shape)
    .partial()
    .refine((body) => Object.keys(body).length > 0, 'give at least one field to change');
