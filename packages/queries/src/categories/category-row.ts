import type { Categories } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';

/** A category row of a waddle database (typed from the generated schema). */
export type CategoryRow = Selectable<Categories>;
