import { MENTION_EVERYONE } from '@waddle/queries/mentions/mention-everyone-permission';

/**
 * The permission bitfield of roles (`roles.permissions`) and of channel overwrites
 * (`channel_overwrites.allow` and `.deny`). A member's base permissions are the OR of the default
 * role (`@everyone`, id 0, held by every member) and of every role granted to them; the waddle's
 * owner and anyone holding `ADMINISTRATOR` have all of them. In a channel, its overwrites change
 * the base (see `channelPermissions`). Bits are stable: they are stored in every waddle database,
 * so a bit is never reused.
 *
 * | bit | value | name | allows |
 * | --- | --- | --- | --- |
 * | 0 | 1 | VIEW_CHANNELS | see a channel, its threads and messages, search them (without it the channel answers 404) |
 * | 1 | 2 | SEND_MESSAGES | post messages, edit and delete one's own |
 * | 2 | 4 | MANAGE_MESSAGES | delete others' messages, pin, post regardless of slow mode and locks |
 * | 3 | 8 | MANAGE_THREADS | rename any thread, lock and unlock threads |
 * | 4 | 16 | MANAGE_CHANNELS | create, update, archive channels and categories |
 * | 5 | 32 | MANAGE_ROLES | create, update, delete roles below one's own, grant and revoke them |
 * | 6 | 64 | BAN_MEMBERS | ban and unban members below one's own roles |
 * | 7 | 128 | KICK_MEMBERS | remove members below one's own roles |
 * | 8 | 256 | ADD_REACTIONS | add reactions |
 * | 9 | 512 | CREATE_THREADS | start threads |
 * | 10 | 1024 | (retired) | was VIEW_PRIVATE_CHANNELS: migration 0023 turned it into overwrites allowing VIEW_CHANNELS |
 * | 11 | 2048 | ADMINISTRATOR | everything, in every channel |
 * | 12 | 4096 | MENTION_EVERYONE | mention `@everyone`, `@here` and roles that are not mentionable (the query library's `MENTION_EVERYONE`) |
 */
export const Permission = {
  VIEW_CHANNELS: 1 << 0,
  SEND_MESSAGES: 1 << 1,
  MANAGE_MESSAGES: 1 << 2,
  MANAGE_THREADS: 1 << 3,
  MANAGE_CHANNELS: 1 << 4,
  MANAGE_ROLES: 1 << 5,
  BAN_MEMBERS: 1 << 6,
  KICK_MEMBERS: 1 << 7,
  ADD_REACTIONS: 1 << 8,
  CREATE_THREADS: 1 << 9,
  ADMINISTRATOR: 1 << 11,
  MENTION_EVERYONE,
} as const;

export type PermissionName = keyof typeof Permission;

/** Every defined bit: what the owner and administrators hold, and the most a role may carry. */
export const ALL_PERMISSIONS = Object.values(Permission).reduce((all, bit) => all | bit, 0);

/**
 * The bits a channel overwrite may allow or deny: those that act inside one channel, as
 * Discord's permission table marks them (T, V). Banning, kicking and ADMINISTRATOR act on the
 * waddle and are never overwritten. MANAGE_ROLES in a channel is the right to change its
 * overwrites.
 */
export const CHANNEL_PERMISSIONS =
  Permission.VIEW_CHANNELS |
  Permission.SEND_MESSAGES |
  Permission.MANAGE_MESSAGES |
  Permission.MANAGE_THREADS |
  Permission.MANAGE_CHANNELS |
  Permission.MANAGE_ROLES |
  Permission.ADD_REACTIONS |
  Permission.CREATE_THREADS;

/**
 * What MANAGE_ROLES may add to the default role (`@everyone`): the bits it starts with (771), none
 * of which acts on other members' messages, roles, channels or membership. Adding any other bit to `@everyone` hands it to every member at once, so only the owner
 * or an administrator may (see `updateRole`).
 */
export const DEFAULT_ROLE_SAFE_PERMISSIONS =
  Permission.VIEW_CHANNELS | Permission.SEND_MESSAGES | Permission.ADD_REACTIONS | Permission.CREATE_THREADS;

/** The names of the bits set in a bitfield, in bit order (for responses and error messages). */
export function permissionNames(bits: number): PermissionName[] {
  return (Object.keys(Permission) as PermissionName[]).filter((name) => (bits & Permission[name]) !== 0);
}
