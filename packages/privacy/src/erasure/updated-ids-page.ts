import type { SectionPage } from '../job-section.ts';

/**
 * A page of an erasure's update that changed at most `limit` rows, picked in id order after the
 * cursor, and returned the ids it changed (`… returning "id"`): done when it changed fewer than
 * `limit`; else the next page starts after the highest id. Runs no SQL.
 *
 * @example
 * ```ts
 * return updatedIdsPage(await db.updateTable('audit_log').set(…).where('id', 'in', nextIds).returning('id').execute(), 500);
 * ```
 */
export function updatedIdsPage(results: readonly { readonly id: number }[], limit: number): SectionPage {
  return { rows: results.length, records: [], next: results.length < limit ? null : [Math.max(...results.map((row) => row.id))] };
}
