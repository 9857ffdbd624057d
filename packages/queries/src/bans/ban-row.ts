import type { Bans } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';

/** A ban row of a waddle database (typed from the generated schema). */
export type BanRow = Selectable<Bans>;
