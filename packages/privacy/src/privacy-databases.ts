import type { DB as CentralSchema } from '@waddle/central-schema/database';
import type { TypedDatabase } from '@waddle/d1/typed-database';
import type { DB as WaddleSchema } from '@waddle/waddle-schema/database';

/** The central directory as privacy jobs use it, typed by `@waddle/central-schema`'s generated `DB`. */
export type CentralDatabase = TypedDatabase<CentralSchema>;

/** A waddle database as privacy jobs use it, typed by `@waddle/waddle-schema`'s generated `DB`. */
export type WaddleDatabase = TypedDatabase<WaddleSchema>;
