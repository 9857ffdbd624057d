import { InvalidQueryError } from '../invalid-query-error.ts';

/** What a message's content mentions, as written (before anything is checked against the waddle). */
export interface WrittenMentions {
  /** `<@42>`: user ids, each once, in order of first appearance. */
  readonly userIds: readonly number[];
  /** `<@&7>`: role ids, each once, in order of first appearance. */
  readonly roleIds: readonly number[];
  /** `@everyone` appears. */
  readonly everyone: boolean;
  /** `@here` appears. */
  readonly here: boolean;
}

/** Distinct users and roles one message may mention; more is refused (a mass-mention is what `@everyone` is for). */
export const MAX_MENTION_TARGETS = 50;

/** Code spans and fenced code blocks: what they show is text, never a mention. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
/** `<@id>` or `<@&id>`, the id a decimal without leading zeros. */
const TARGET = /<@(&?)([1-9][0-9]{0,15})>/g;
/** `@everyone` / `@here` as a word of its own: not inside an address (`a@here.org`) or a longer word (`@heresy`). */
const BROADCAST = /(?<![\p{L}\p{N}_.@-])@(everyone|here)(?![\p{L}\p{N}_])/gu;

/**
 * Reads the mentions out of a message's content. The syntax (Discord's):
 *
 * | written | mentions |
 * | --- | --- |
 * | `<@42>` | the member with user id 42 |
 * | `<@&7>` | the members holding role 7 (when the message is read, not a copy per member) |
 * | `@everyone` | every member who can see the channel |
 * | `@here` | the same members (the data layer has no presence; stored apart so a notifier can narrow it) |
 *
 * Ids are decimal integers from 1 without leading zeros; anything else (`<@0>`, `<@007>`,
 * `<@ 42>`, `<@!42>`) is plain text. Inside a code span or fenced code block nothing is a mention.
 * Whether the targets exist and the author may mention them is decided when the message is
 * written (see `mentionStatement`). Runs no SQL.
 *
 * @throws InvalidQueryError when the content names more than {@link MAX_MENTION_TARGETS} distinct users and roles.
 *
 * @example
 * ```ts
 * writtenMentions('hi <@42> and <@&7>, `<@9>` @here');
 * // { userIds: [42], roleIds: [7], everyone: false, here: true }
 * ```
 */
export function writtenMentions(content: string, field = 'content'): WrittenMentions {
  const text = content.includes('`') ? content.replace(CODE, ' ') : content;
  const userIds = new Set<number>();
  const roleIds = new Set<number>();
  if (text.includes('<@')) {
    for (const [, role, digits] of text.matchAll(TARGET)) {
      const id = Number(digits);
      if (!Number.isSafeInteger(id)) continue;
      (role ? roleIds : userIds).add(id);
    }
  }
  if (userIds.size + roleIds.size > MAX_MENTION_TARGETS) {
    throw new InvalidQueryError(field, `mentions at most ${MAX_MENTION_TARGETS} distinct users and roles`);
  }
  let everyone = false;
  let here = false;
  if (text.includes('@')) {
    for (const [, word] of text.matchAll(BROADCAST)) {
      if (word === 'everyone') everyone = true;
      else here = true;
    }
  }
  return { userIds: [...userIds], roleIds: [...roleIds], everyone, here };
}
