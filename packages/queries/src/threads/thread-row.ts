import type { Threads } from '@waddle/waddle-schema/database';
import type { Selectable } from 'kysely';

/** A thread row of a waddle database, as `SELECT * FROM threads` reads it (typed from the generated schema). */
export type ThreadRow = Selectable<Threads>;
