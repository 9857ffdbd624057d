import { InvalidQueryError } from '../invalid-query-error.ts';
import { type TextRule, textViolation } from '../text/text-violation.ts';

/**
 * What a message's content may be in the database: well-formed text without control characters
 * other than tab, line feed and carriage return, at most 10,000 code points (the schema's
 * `CHECK (length(content) <= 10000)`, which counts code points too). The API allows less (see
 * its README section); the query library enforces what the schema promises to every reader.
 */
export const STORED_CONTENT_RULE: TextRule = { min: 0, max: 10_000, multiline: true };

/**
 * Throws {@link InvalidQueryError} naming `field` when `content` breaks
 * {@link STORED_CONTENT_RULE}; called by every writer of message content before any statement
 * is sent. Runs no SQL.
 *
 * @example
 * ```ts
 * requireValidContent('\ud83d', 'content'); // throws InvalidQueryError: content: must be well-formed Unicode: …
 * ```
 */
export function requireValidContent(content: string, field: string): void {
  const violation = textViolation(content, STORED_CONTENT_RULE);
  if (violation !== null) throw new InvalidQueryError(field, violation);
}
