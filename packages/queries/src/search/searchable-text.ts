/**
 * Characters of scripts written without spaces between words (Chinese, Japanese kana, Korean
 * Hangul, and the katakana prolonged-sound mark). FTS5's unicode61 tokenizer would keep a whole
 * run of them as one token, so a word inside a sentence could never be found.
 */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC]+/gu;
const CJK_CHARACTER = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30FC]/u;

/** What FTS5's unicode61 tokenizer keeps as token characters (its default categories L*, N*, Co). */
const TOKEN = /[\p{L}\p{N}\p{Co}]+/gu;

/**
 * The text the full-text index receives for a message: NFC-normalized (so `remove_diacritics`
 * folds every accented letter), with each CJK run replaced by its overlapping bigrams
 * (`北京天安门` becomes `北京 京天 天安 安门`). A query for any substring of two or more CJK
 * characters is then the phrase of its bigrams; see {@link searchTokens}. Other scripts pass
 * through unchanged and are folded by the tokenizer (case, diacritics).
 *
 * @example
 * ```ts
 * searchableText('我爱北京 hello'); // '我爱 爱北 北京 hello'
 * ```
 */
export function searchableText(content: string): string {
  return content
    .normalize('NFC')
    .replace(CJK_RUN, (run) => ` ${cjkBigrams(run).join(' ')} `)
    .replace(/ {2,}/g, ' ')
    .trim();
}

/**
 * The tokens FTS5 would index for this text, in order, after {@link searchableText}: the same
 * split the query side must use so a query phrase lines up with the indexed positions.
 */
export function searchTokens(text: string): string[] {
  return searchableText(text).match(TOKEN) ?? [];
}

/** Whether a token holds CJK characters (then it is a bigram or a lone character). */
export function isCjkToken(token: string): boolean {
  return CJK_CHARACTER.test(token);
}

function cjkBigrams(run: string): string[] {
  const characters = [...run];
  if (characters.length === 1) return characters;
  return characters.slice(0, -1).map((character, index) => character + characters[index + 1]);
}
