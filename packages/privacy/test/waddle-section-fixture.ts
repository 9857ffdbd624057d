import { env, reset } from 'cloudflare:test';
import { Migrator } from '@waddle/migrator/migrator';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import type { JobSection, SectionPage } from '../src/job-section.ts';

/** Whose data the section tests export and erase: user 5, in waddle 1. User 6 is someone else. */
export const SUBJECT = { userId: 5, waddleId: 1 } as const;

/**
 * Resets the test's waddle database (`env.DB`), migrates it to the latest waddle migration and
 * runs `seed` in one batch: the start of every section test.
 */
export async function seedWaddle(seed: readonly string[]): Promise<void> {
  await reset();
  const { error } = await new Migrator({ database: env.DB, migrations: waddleMigrations }).migrateToLatest();
  if (error) throw error;
  await env.DB.batch(seed.map((statement) => env.DB.prepare(statement)));
}

/** A section's run to its end: how many pages it took, and what it exported, each record as `{ type, waddleId, ...data }`. */
export interface SectionRun {
  readonly pages: number;
  readonly records: readonly Readonly<Record<string, unknown>>[];
}

/** Runs `section` page by page from its first cursor on `env.DB` for {@link SUBJECT}, as a job would. */
export async function runSection(section: JobSection): Promise<SectionRun> {
  const records: Record<string, unknown>[] = [];
  let pages = 0;
  let cursor: SectionPage['next'] = section.firstCursor;
  while (cursor !== null) {
    const page = await section.page(env.DB, SUBJECT, cursor);
    records.push(...page.records.map((record) => ({ type: record.type, waddleId: record.waddleId, ...record.data })));
    cursor = page.next;
    pages += 1;
  }
  return { pages, records };
}
