import type { Channels } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';

/** A channel row of a waddle database, as `SELECT * FROM channels` reads it (typed from the generated schema). */
export type ChannelRow = Selectable<Channels>;
