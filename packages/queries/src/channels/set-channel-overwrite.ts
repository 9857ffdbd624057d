import type { WaddleDatabase } from '../waddle-database.ts';
import type { ChannelOverwriteRow, OverwriteTarget } from './channel-overwrite-row.ts';

/**
 * Sets one target's overwrite in a channel to exactly these bits (replacing what it had) and
 * returns it. The database refuses a bit both allowed and denied, a role that does not exist and
 * a channel that does not exist.
 *
 * ```sql
 * INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (?, ?, ?, ?, ?)
 * ON CONFLICT (channel_id, target_kind, target_id) DO UPDATE SET allow = excluded.allow, deny = excluded.deny RETURNING *
 * ```
 *
 * @example
 * ```ts
 * await setChannelOverwrite(waddle, 3, { kind: 'member', id: 42 }, { allow: 0, deny: 2 });
 * ```
 */
export function setChannelOverwrite(
  waddle: WaddleDatabase,
  channelId: number,
  target: OverwriteTarget,
  bits: { readonly allow: number; readonly deny: number },
): Promise<ChannelOverwriteRow> {
  return waddle.db
    .insertInto('channel_overwrites')
    .values({ channel_id: channelId, target_kind: target.kind, target_id: target.id, allow: bits.allow, deny: bits.deny })
    .onConflict((oc) =>
      oc
        .columns(['channel_id', 'target_kind', 'target_id'])
        .doUpdateSet((eb) => ({ allow: eb.ref('excluded.allow'), deny: eb.ref('excluded.deny') })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}
