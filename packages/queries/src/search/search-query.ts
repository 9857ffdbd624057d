import { isCjkToken, searchTokens } from './searchable-text.ts';

/** Longest query text considered; the rest is ignored (a 10 KB paste is not an error). */
const MAX_QUERY_LENGTH = 1_000;
const MAX_TERMS = 16;
const MAX_TOKENS_PER_TERM = 32;
const MAX_TOKEN_LENGTH = 100;

/** A word or phrase of the query, as the snippet builder highlights it. */
export interface HighlightTerm {
  /** The tokens, case- and diacritic-folded (see `foldForMatch`). */
  readonly tokens: readonly string[];
  /** The last token matches as a prefix (`pengu*`). */
  readonly prefix: boolean;
}

/** User search text turned into a safe FTS5 expression. */
export interface ParsedSearchQuery {
  /** The FTS5 `MATCH` expression, or `null` when the text holds nothing to search for. */
  readonly match: string | null;
  /** The positive terms, for highlighting. */
  readonly terms: readonly HighlightTerm[];
}

/**
 * Turns any user text into an FTS5 query that cannot raise a syntax error: every token is
 * re-tokenized the way the index was built and emitted inside double quotes, so FTS5 operators
 * (`NEAR(`, `AND`, `^`, `:`, column filters, parentheses) are only ever searched as words.
 *
 * Understood syntax: `word` (all words must match), `"a phrase"`, `prefix*`, `-word` and
 * `-"a phrase"` (excluded). Chinese, Japanese and Korean text becomes the phrase of its bigrams,
 * which finds it as a substring; a single CJK character matches as a prefix of a bigram.
 * A query with only excluded terms matches nothing (`match: null`).
 *
 * @example
 * ```ts
 * parseSearchQuery('café "north pole" pengu* -winter').match;
 * // '"café" "north pole" "pengu"* NOT ("winter")'
 * ```
 */
export function parseSearchQuery(input: string): ParsedSearchQuery {
  const text = input.slice(0, MAX_QUERY_LENGTH).toWellFormed().normalize('NFC');
  const positives: string[] = [];
  const negatives: string[] = [];
  const terms: HighlightTerm[] = [];

  for (const [, quotedNegation, quoted, bareNegation, bare] of text.matchAll(/(-?)"([^"]*)"?|(-?)([^\s"]+)/g)) {
    const negated = (quoted !== undefined ? quotedNegation : bareNegation) === '-';
    const raw = quoted ?? bare ?? '';
    const prefix = quoted === undefined && raw.endsWith('*');
    const tokens = searchTokens(raw)
      .slice(0, MAX_TOKENS_PER_TERM)
      .map((token) => token.slice(0, MAX_TOKEN_LENGTH));
    if (tokens.length === 0) continue;
    const lone = tokens.length === 1 && [...tokens[0]!].length === 1 && isCjkToken(tokens[0]!);
    const asPrefix = prefix || lone;
    const expression = `"${tokens.join(' ').replaceAll('"', '""')}"${asPrefix ? '*' : ''}`;
    if (negated) {
      if (negatives.length < MAX_TERMS) negatives.push(expression);
    } else if (positives.length < MAX_TERMS) {
      positives.push(expression);
      terms.push({ tokens: tokens.map(foldForMatch), prefix: asPrefix });
    }
  }

  if (positives.length === 0) return { match: null, terms: [] };
  const exclusion = negatives.length > 0 ? ` NOT (${negatives.join(' OR ')})` : '';
  return { match: `${positives.join(' ')}${exclusion}`, terms };
}

/** Case and diacritic folding close to unicode61's `remove_diacritics 2`, for highlighting. */
export function foldForMatch(token: string): string {
  return token
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}
