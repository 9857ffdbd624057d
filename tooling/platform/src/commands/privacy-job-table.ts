import type { PrivacyJob } from '@waddle/privacy/privacy-job';
import { textTable } from '../text-table.ts';

/** A job's progress per database, as a text table (database, status, section, rows, attempts, error). */
export function privacyJobTable(job: PrivacyJob): string {
  return textTable([
    ['database', 'D1 id', 'status', 'section', 'rows', 'attempts', 'error'],
    ...job.parts.map((part) => [
      part.part === 0 ? 'central' : `waddle ${part.part}`,
      part.d1DatabaseId ?? '-',
      part.status,
      part.section,
      String(part.rowsDone),
      String(part.attempts),
      part.error ?? '',
    ]),
  ]);
}
