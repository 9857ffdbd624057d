import type { ChannelOverwriteRow } from '@waddle/queries/channels/channel-overwrite-row';
import { ALL_PERMISSIONS, Permission } from './permissions.ts';

/** An overwrite as the computation reads it. */
export type Overwrite = Pick<ChannelOverwriteRow, 'target_kind' | 'target_id' | 'allow' | 'deny'>;

/** Whose permissions in a channel are computed. */
export interface PermissionHolder {
  readonly userId: number;
  /** The roles granted to them; not the default role (id 0), which every member holds. */
  readonly grantedRoleIds: ReadonlySet<number>;
  /** Their base permissions: `@everyone`'s OR their roles'; every bit for the owner and administrators. */
  readonly basePermissions: number;
}

/**
 * A member's permissions in a channel, in the order Discord documents (Permissions, "Permission
 * Overwrites"): the base permissions; everything for the owner and ADMINISTRATOR, whom no
 * overwrite touches; then the channel's `@everyone` overwrite, its deny then its allow; then the
 * union of the overwrites of the member's roles, all their denies then all their allows (so one
 * role's allow beats another's deny, whatever their positions); then the member's own overwrite,
 * deny then allow. Overwrites of roles the member does not hold, or of other members, are
 * ignored. Without VIEW_CHANNELS nothing else in the channel applies (Discord's implicit
 * permissions): the answer is 0. Reads no database.
 *
 * @example
 * ```ts
 * const inChannel = channelPermissions({ userId: 42, grantedRoleIds: new Set([3]), basePermissions: 771 }, overwrites);
 * ```
 */
export function channelPermissions(holder: PermissionHolder, overwrites: readonly Overwrite[]): number {
  if ((holder.basePermissions & Permission.ADMINISTRATOR) !== 0) return ALL_PERMISSIONS;
  let permissions = holder.basePermissions;
  const everyone = overwrites.find((o) => o.target_kind === 'role' && o.target_id === 0);
  if (everyone) permissions = (permissions & ~everyone.deny) | everyone.allow;
  let allow = 0;
  let deny = 0;
  for (const o of overwrites) {
    if (o.target_kind === 'role' && holder.grantedRoleIds.has(o.target_id)) {
      allow |= o.allow;
      deny |= o.deny;
    }
  }
  permissions = (permissions & ~deny) | allow;
  const own = overwrites.find((o) => o.target_kind === 'member' && o.target_id === holder.userId);
  if (own) permissions = (permissions & ~own.deny) | own.allow;
  return (permissions & Permission.VIEW_CHANNELS) === 0 ? 0 : permissions;
}
