import type { OverwriteChange } from '@waddle/queries/channels/overwrite-change';
import type { Overwrite, PermissionHolder } from './channel-permissions.ts';
import { Permission } from './permissions.ts';

/**
 * Whether a channel is private: its `@everyone` overwrite (role 0) denies VIEW_CHANNELS. What the
 * API's `isPrivate` says; who sees the channel is what `channelPermissions` decides.
 */
export function isPrivateChannel(overwrites: readonly Overwrite[]): boolean {
  return overwrites.some((o) => o.target_kind === 'role' && o.target_id === 0 && (o.deny & Permission.VIEW_CHANNELS) !== 0);
}

/**
 * The overwrite changes that `isPrivate` stands for. Making a channel private denies
 * VIEW_CHANNELS to `@everyone` and, unless the caller bypasses overwrites (the owner, an
 * administrator), allows it to the caller's own overwrite, so whoever makes a channel private keeps
 * seeing it; other members see it through overwrites given to their roles or to them. Making it
 * public takes VIEW_CHANNELS out of the `@everyone` overwrite.
 */
export function privacyChanges(isPrivate: boolean, caller: PermissionHolder): OverwriteChange[] {
  const everyone = { kind: 'role', id: 0 } as const;
  if (!isPrivate) return [{ target: everyone, clear: Permission.VIEW_CHANNELS }];
  const changes: OverwriteChange[] = [{ target: everyone, deny: Permission.VIEW_CHANNELS }];
  if ((caller.basePermissions & Permission.ADMINISTRATOR) === 0)
    changes.push({ target: { kind: 'member', id: caller.userId }, allow: Permission.VIEW_CHANNELS });
  return changes;
}
