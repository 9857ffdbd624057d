/**
 * What a text field accepts. Lengths count Unicode code points (what SQLite's `length()` counts
 * for stored text, and what JSON Schema's `minLength`/`maxLength` mean), not UTF-16 code units:
 * `🐧` is one character, `é` written as `e` + U+0301 is two.
 */
export interface TextRule {
  /** Fewest code points. */
  readonly min: number;
  /** Most code points. */
  readonly max: number;
  /**
   * Message text: tab, line feed and carriage return are allowed. Otherwise the text is one line:
   * no control character at all, and no U+2028 LINE SEPARATOR or U+2029 PARAGRAPH SEPARATOR.
   */
  readonly multiline?: boolean;
}

/** Control characters (`\p{Cc}`: C0, DEL and C1) but tab, line feed and carriage return. */
const MULTILINE_FORBIDDEN = /[^\P{Cc}\t\n\r]/u;
/** Every control character, and the line and paragraph separators. */
const SINGLE_LINE_FORBIDDEN = /[\p{Cc}\p{Zl}\p{Zp}]/u;

/**
 * Why `text` breaks `rule`, or `null` when it keeps it. The one text rule of the platform: the
 * API's request schemas and the query library's writers both call it, so what one accepts the
 * other stores. Text must be well-formed UTF-16 (a lone surrogate cannot be stored as UTF-8: D1
 * writes it as a 3-byte sequence that reads back as three U+FFFD and that other SQLite clients
 * refuse to decode), free of control characters (C0, DEL and C1, such as the terminal escape
 * introducer U+009B; tab, line feed and carriage return only in `multiline` text), and `min` to
 * `max` code points long. Nothing is repaired: text is stored exactly as given or refused.
 *
 * Runs no SQL.
 *
 * @example
 * ```ts
 * textViolation('🐧'.repeat(100), { min: 1, max: 100 }); // null: 100 code points
 * textViolation('\ud800', { min: 1, max: 100 }); // 'must be well-formed Unicode: lone surrogate U+D800 at character 1'
 * textViolation('a\u009b31m', { min: 1, max: 100, multiline: true }); // 'must not contain control characters: U+009B at character 2'
 * ```
 */
export function textViolation(text: string, rule: TextRule): string | null {
  if (!text.isWellFormed()) {
    const at = [...text].findIndex((character) => !character.isWellFormed());
    return `must be well-formed Unicode: lone surrogate ${codePointName([...text][at]!)} at character ${at + 1}`;
  }
  const forbidden = (rule.multiline ? MULTILINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN).exec(text);
  if (forbidden) {
    const at = codePointLength(text.slice(0, forbidden.index));
    return `must not contain ${rule.multiline ? 'control characters' : 'control characters or line breaks'}: ${codePointName(forbidden[0])} at character ${at + 1}`;
  }
  const length = codePointLength(text);
  if (length < rule.min || length > rule.max) {
    const bounds = rule.min === 0 ? `at most ${rule.max}` : `${rule.min} to ${rule.max}`;
    return `must be ${bounds} characters (Unicode code points), not ${length}`;
  }
  return null;
}

/**
 * The number of Unicode code points of well-formed text: what SQLite's `length()` answers for it
 * once stored (`length('🐧')` is 1, where `'🐧'.length` is 2).
 *
 * @example
 * ```ts
 * codePointLength('a🐧'); // 2
 * ```
 */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}

function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
