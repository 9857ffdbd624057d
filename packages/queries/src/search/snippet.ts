import { foldForMatch, type HighlightTerm } from './search-query.ts';
import { emojiIn, emojiToken, isCjkToken, isEmojiToken } from './searchable-text.ts';

/** A piece of a snippet: plain text, or text that matched the query. Render `match` parts highlighted. */
export interface SnippetPart {
  readonly text: string;
  readonly match: boolean;
}

const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const CONTEXT_BEFORE = 60;
const SNIPPET_LENGTH = 200;

/**
 * The part of a message around its first match, split into plain and matched parts. The index
 * stores no text (it is contentless), so FTS5's `snippet()` cannot run; this does the same from
 * the message content and the parsed query: words are compared case- and diacritic-folded (a
 * query `cafe` highlights `Café`), CJK terms as substrings, emoji by their tokens (a query `👍`
 * highlights `👍🏽`). Parts are data, not HTML, so a client
 * escapes them like any other text.
 *
 * @example
 * ```ts
 * buildSnippet('I love the Café du Nord', parseSearchQuery('cafe').terms);
 * // [{ text: 'I love the ', match: false }, { text: 'Café', match: true }, { text: ' du Nord', match: false }]
 * ```
 */
export function buildSnippet(content: string, terms: readonly HighlightTerm[]): SnippetPart[] {
  const text = content.normalize('NFC');
  const ranges = mergeRanges([...wordMatches(text, terms), ...cjkMatches(text, terms), ...emojiMatches(text, terms)]);
  const first = ranges[0]?.[0] ?? 0;
  let start = Math.max(0, first - CONTEXT_BEFORE);
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  const end = Math.min(text.length, start + SNIPPET_LENGTH);

  const parts: SnippetPart[] = [];
  let cursor = start;
  for (const [from, to] of ranges) {
    if (to <= start || from >= end) continue;
    if (from > cursor) parts.push({ text: text.slice(cursor, from), match: false });
    parts.push({ text: text.slice(Math.max(from, cursor), Math.min(to, end)), match: true });
    cursor = Math.min(to, end);
  }
  if (cursor < end) parts.push({ text: text.slice(cursor, end), match: false });
  if (start > 0) parts.unshift({ text: '…', match: false });
  if (end < text.length) parts.push({ text: '…', match: false });
  return parts;
}

/** Words of the text equal to a query token (or starting with it, for a prefix term). */
function wordMatches(text: string, terms: readonly HighlightTerm[]): [number, number][] {
  const wanted = tokensOfTerms(terms, (token) => !isCjkToken(token) && !isEmojiToken(token));
  const ranges: [number, number][] = [];
  for (const word of text.matchAll(WORD)) {
    if (wanted(foldForMatch(word[0]))) ranges.push([word.index, word.index + word[0].length]);
  }
  return ranges;
}

/** Emoji of the text whose token is a query token (or starts with it, for a prefix term). */
function emojiMatches(text: string, terms: readonly HighlightTerm[]): [number, number][] {
  const wanted = tokensOfTerms(terms, isEmojiToken);
  const ranges: [number, number][] = [];
  for (const emoji of emojiIn(text)) {
    if (wanted(emojiToken(emoji[0]))) ranges.push([emoji.index, emoji.index + emoji[0].length]);
  }
  return ranges;
}

/** A test for tokens of the text: equal to a query token of the kind kept, or starting with a prefix term's last one. */
function tokensOfTerms(terms: readonly HighlightTerm[], keep: (token: string) => boolean): (token: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const term of terms) {
    term.tokens.forEach((token, index) => {
      if (!keep(token)) return;
      if (term.prefix && index === term.tokens.length - 1) prefixes.push(token);
      else exact.add(token);
    });
  }
  return (token) => exact.has(token) || prefixes.some((prefix) => token.startsWith(prefix));
}

/** Occurrences of each CJK run of the query (rebuilt from its overlapping bigrams), as substrings. */
function cjkMatches(text: string, terms: readonly HighlightTerm[]): [number, number][] {
  const needles: string[] = [];
  for (const term of terms) {
    let previous: string | undefined;
    for (const token of term.tokens) {
      if (!isCjkToken(token)) {
        previous = undefined;
        continue;
      }
      const [first, second, ...rest] = [...token];
      const continuesRun = previous !== undefined && [...previous].at(-1) === first && second !== undefined && rest.length === 0;
      if (continuesRun) needles.push(`${needles.pop()}${second}`);
      else needles.push(token);
      previous = token;
    }
  }
  const ranges: [number, number][] = [];
  for (const needle of needles) {
    for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
      ranges.push([at, at + needle.length]);
    }
  }
  return ranges;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}
