import { textViolation } from '@waddle/queries/text/text-violation';

/** Exactly one of Unicode's recommended (RGI) emoji: a single emoji, a flag, a keycap, a skin-tone or ZWJ sequence. */
const ONE_EMOJI = /^\p{RGI_Emoji}$/v;
/** A custom emoji id: `:name:`, 2 to 32 of a-z, 0-9 and `_`. */
const CUSTOM_EMOJI = /^:[a-z0-9_]{2,32}:$/;

/**
 * Why `emoji` cannot be a new reaction, or `null` when it can: a reaction is exactly one emoji
 * of Unicode's recommended set (`\p{RGI_Emoji}`: `👍`, `👍🏽`, `🇫🇷`, `1️⃣`, `👨‍👩‍👧`;
 * fully qualified, so `❤️` with its variation selector, not a bare `❤`), or a custom emoji id
 * `:name:` (2 to 32 of a-z, 0-9 and `_`), which clients map to their own images (the API keeps
 * no list of them). Anything else (letters, several emoji, right-to-left overrides, zero-width
 * characters) is refused. Runs no SQL.
 *
 * @example
 * ```ts
 * reactionEmojiViolation('👍🏽'); // null
 * reactionEmojiViolation(':party_parrot:'); // null
 * reactionEmojiViolation('a'); // 'must be one emoji (…) or a custom emoji id :name: (…)'
 * ```
 */
export function reactionEmojiViolation(emoji: string): string | null {
  if (ONE_EMOJI.test(emoji) || CUSTOM_EMOJI.test(emoji)) return null;
  return 'must be one emoji (fully qualified, as Unicode lists it) or a custom emoji id :name: (2 to 32 of a-z, 0-9 and _)';
}

/**
 * Why `emoji` cannot name a reaction to remove, or `null`: any single-line text of 1 to 64
 * characters without spaces, so a reaction stored before reactions were restricted to emoji can
 * still be taken back. Runs no SQL.
 */
export function storedReactionViolation(emoji: string): string | null {
  if (/\s/u.test(emoji)) return 'must not contain spaces';
  return textViolation(emoji, { min: 1, max: 64 });
}
