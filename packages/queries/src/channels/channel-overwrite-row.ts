import type { ChannelOverwrites } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';

/** A permission overwrite of a channel (`channel_overwrites`): bits allowed and denied there for one role or one member. */
export type ChannelOverwriteRow = Selectable<ChannelOverwrites>;

/** Who an overwrite is for: a role (0 is `@everyone`, which every member holds) or a member (a central user id). */
export interface OverwriteTarget {
  readonly kind: ChannelOverwriteRow['target_kind'];
  readonly id: number;
}
