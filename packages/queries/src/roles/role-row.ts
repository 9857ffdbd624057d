import type { Roles } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';

/** A role row of a waddle database, as `SELECT * FROM roles` reads it (typed from the generated schema). */
export type RoleRow = Selectable<Roles>;
