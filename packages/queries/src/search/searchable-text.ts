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
 * An emoji: one of Unicode's recommended (RGI) emoji, sequences included (flags, keycaps, skin
 * tones, ZWJ sequences such as 👨‍👩‍👧), else any other pictographic character (`❤` without its
 * variation selector, `©`). unicode61 treats all of them as separators (they are symbols, not
 * letters), so the index would never see them; see {@link emojiToken}. The lookahead (a
 * character an emoji can start with) spares trying every recommended sequence at every position:
 * six times faster.
 */
const EMOJI = /(?=[\p{Extended_Pictographic}\p{Regional_Indicator}\u{1F3FB}-\u{1F3FF}#*0-9])(?:\p{RGI_Emoji}|\p{Extended_Pictographic})/gv;
/**
 * A character every emoji above holds (a pictograph, a regional indicator of a flag, a skin tone,
 * the keycap mark): a cheap test, so most messages skip matching {@link EMOJI} at all.
 */
const EMOJI_PART = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u20E3]/u;
/** Variation selectors and skin-tone modifiers, folded away as case and diacritics are. */
const EMOJI_VARIANTS = /[\uFE0E\uFE0F\u{1F3FB}-\u{1F3FF}]/gu;

/**
 * The text the full-text index receives for a message: NFC-normalized (so `remove_diacritics`
 * folds every accented letter), with each emoji replaced by its token (see {@link emojiToken}),
 * and each CJK run replaced by its overlapping bigrams (`北京天安门` becomes `北京 京天 天安 安门`).
 * A query for any substring of two or more CJK characters is then the phrase of its bigrams; see
 * {@link searchTokens}. Other scripts pass through unchanged and are folded by the tokenizer
 * (case, diacritics). Text without emoji or CJK is indexed as it was before emoji were.
 *
 * @example
 * ```ts
 * searchableText('我爱北京 hello'); // '我爱 爱北 北京 hello'
 * searchableText('krill🐧'); // 'krill \u{10F427}'
 * ```
 */
export function searchableText(content: string): string {
  const normalized = content.normalize('NFC');
  return (EMOJI_PART.test(normalized) ? normalized.replace(EMOJI, (emoji) => ` ${emojiToken(emoji)} `) : normalized)
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

/**
 * The index token of one emoji: its code points without variation selectors and skin-tone
 * modifiers (so `👍🏽`, `👍` and `👍🏿` are one token, as `Café` and `cafe` are), each written as
 * a private-use character, which unicode61 keeps as a token character (category Co). An emoji's
 * code points lie in plane 0 below U+E000 (`☕`, `©`, ZWJ U+200D, keycap U+20E3, `#`, digits),
 * in plane 1 (most emoji) or among the tag characters U+E0020 to U+E007F (subdivision flags);
 * they map one to one onto U+F0000 + c, U+100000 + (c - U+10000) and U+FE000 + (c - U+E0000).
 * A ZWJ sequence (`👨‍👩‍👧`) is one token, a flag (`🇫🇷`) is one token. Literal characters of
 * planes 15 and 16 in a message (private use, practically unused) would be found by the emoji
 * they encode.
 *
 * @example
 * ```ts
 * emojiToken('🐧'); // '\u{10F427}'
 * emojiToken('👍🏽') === emojiToken('👍'); // true
 * ```
 */
export function emojiToken(emoji: string): string {
  const folded = emoji.replace(EMOJI_VARIANTS, '') || emoji;
  return String.fromCodePoint(...[...folded].map((character) => privateUseCodePoint(character.codePointAt(0)!)));
}

/** Whether a token is an emoji's (see {@link emojiToken}). */
export function isEmojiToken(token: string): boolean {
  return token.codePointAt(0)! >= 0xf0000;
}

/** The emoji of a text, in order, with their positions (as `String.prototype.matchAll` gives them). */
export function emojiIn(text: string): IterableIterator<RegExpExecArray> {
  return text.matchAll(EMOJI);
}

/**
 * Whether the text may hold an emoji: true for every text {@link searchableText} gives emoji
 * tokens (and for a few more, such as a keycap mark U+20E3 after no digit).
 */
export function containsEmoji(text: string): boolean {
  return EMOJI_PART.test(text);
}

function privateUseCodePoint(codePoint: number): number {
  if (codePoint >= 0x10000 && codePoint < 0x20000) return 0x100000 + (codePoint - 0x10000);
  if (codePoint >= 0xe0000) return 0xfe000 + (codePoint - 0xe0000);
  return 0xf0000 + codePoint;
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
