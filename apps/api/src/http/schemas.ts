import { z } from 'zod';

/**
 * Building blocks of the request schemas. Text fields refuse control characters (other than
 * newline and tab in message content) and are bounded; ids are positive integers below 2^53.
 */
export const id = z.int().min(1).max(Number.MAX_SAFE_INTEGER);

/** A single-line name or title of `min` to `max` characters, trimmed. */
export const singleLine = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** Message text: 1 to 4,000 characters after trimming; newlines and tabs allowed. */
export const messageContent = z
  .string()
  .max(4000)
  .regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/, 'must not contain control characters')
  .refine((text) => text.trim().length > 0, 'must not be empty');

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

/** The error body every non-2xx answer carries. */
export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
