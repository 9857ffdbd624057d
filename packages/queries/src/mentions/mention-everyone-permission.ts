/**
 * Bit 12 (4096) of the roles' permission bitfield (`roles.permissions`, documented with the API's
 * `Permission`): `MENTION_EVERYONE`. Its holder's `@everyone` and `@here` are recorded, and so
 * are their mentions of roles that are not mentionable (`roles.is_mentionable = 0`); without it
 * those mentions stay plain text. Mentions of members and of mentionable roles need no
 * permission beyond posting. Bits 0 to 11 are the API's; this is the next free one, and the API's
 * bitfield must carry it (the owner and administrators hold every bit; it is not one of the bits
 * MANAGE_ROLES may add to the default role, since it reaches every member at once).
 *
 * @example
 * ```ts
 * const mayMentionEveryone = (access.permissions & MENTION_EVERYONE) !== 0;
 * ```
 */
export const MENTION_EVERYONE = 1 << 12;
