import type { WaddleDatabase } from '../waddle-database.ts';
import type { ChannelOverwriteRow } from './channel-overwrite-row.ts';
import { overwritesReaching } from './overwrites-reaching.ts';

/** A channel and its overwrites that reach the viewer: what deciding whether they may view it needs. */
export interface ChannelVisibility {
  readonly id: number;
  readonly overwrites: readonly ChannelOverwriteRow[];
}

/**
 * Every channel's id with its overwrites that reach the viewer (see `overwritesReaching`), in one
 * statement, by channel id: what search, unread counts and every other list limit to the channels
 * the viewer may see. One pass over the channels (a list has them all) with one look-up of the
 * viewer's overwrites.
 *
 * ```sql
 * SELECT c.id, o.channel_id, o.target_kind, o.target_id, o.allow, o.deny FROM channels AS c
 * LEFT JOIN (<overwritesReaching(viewerId)>) AS o ON o.channel_id = c.id
 * ORDER BY c.id
 * ```
 *
 * @example
 * ```ts
 * const channels = await listChannelVisibility(waddle, 42);
 * ```
 */
export async function listChannelVisibility(waddle: WaddleDatabase, viewerId: number): Promise<ChannelVisibility[]> {
  const rows = await waddle.db
    .selectFrom('channels as c')
    .leftJoin(overwritesReaching(waddle.db, viewerId).as('o'), 'o.channel_id', 'c.id')
    .select(['c.id', 'o.channel_id', 'o.target_kind', 'o.target_id', 'o.allow', 'o.deny'])
    .orderBy('c.id')
    .execute();
  const byChannel = new Map<number, ChannelOverwriteRow[]>();
  for (const { id, channel_id, target_kind, target_id, allow, deny } of rows) {
    const overwrites = byChannel.get(id) ?? [];
    byChannel.set(id, overwrites);
    // A channel without an overwrite reaching the viewer comes once, with nulls (the left join).
    if (channel_id !== null && target_kind !== null && target_id !== null && allow !== null && deny !== null) {
      overwrites.push({ channel_id, target_kind, target_id, allow, deny });
    }
  }
  return [...byChannel].map(([id, overwrites]) => ({ id, overwrites }));
}
