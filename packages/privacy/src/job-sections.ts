import { centralErasureSections } from './erasure/central-erasure-sections.ts';
import { waddleErasureSections } from './erasure/waddle-erasure-sections.ts';
import { centralExportSections } from './export/central-export-sections.ts';
import { waddleExportSections } from './export/waddle-export-sections.ts';
import type { JobSection } from './job-section.ts';
import { CENTRAL_PART, type PrivacyJobKind } from './privacy-job.ts';

/** The sections a job works through in one of its parts (the central directory, or a waddle), in order. */
export function sectionsOf(kind: PrivacyJobKind, part: number): readonly JobSection[] {
  if (kind === 'export') return part === CENTRAL_PART ? centralExportSections : waddleExportSections;
  return part === CENTRAL_PART ? centralErasureSections : waddleErasureSections;
}
