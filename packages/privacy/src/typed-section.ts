import type { JobSection, SectionPage, SectionStorage, SectionSubject } from './job-section.ts';
import { openTypedDatabase, type TypedDatabase } from '@waddle/d1/typed-database';

/** A {@link JobSection} whose page works on the typed database of one schema. */
export interface TypedSection<Schema> extends Omit<JobSection, 'page'> {
  page(database: TypedDatabase<Schema>, subject: SectionSubject, cursor: readonly unknown[], storage: SectionStorage): Promise<SectionPage>;
}

/**
 * Makes a section whose pages query `Schema` through Kysely into a {@link JobSection}, which a
 * job hands the part's D1 database (the central directory or a waddle's) whatever its schema.
 *
 * @example
 * ```ts
 * const bans = typedSection<WaddleSchema>({ name: 'bans', firstCursor: [], statements: 1, page: async (waddle, { userId }) => … });
 * ```
 */
export function typedSection<Schema>(section: TypedSection<Schema>): JobSection {
  return { ...section, page: (d1, subject, cursor, storage = {}) => section.page(openTypedDatabase<Schema>(d1), subject, cursor, storage) };
}
