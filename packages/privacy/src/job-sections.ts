import { centralErasureSections } from './erasure/central-erasure-sections.ts';
import { shardErasureSections } from './erasure/shard-erasure-sections.ts';
import { waddleErasureSections } from './erasure/waddle-erasure-sections.ts';
import { centralExportSections } from './export/central-export-sections.ts';
import { shardExportSections } from './export/shard-export-sections.ts';
import { waddleExportSections } from './export/waddle-export-sections.ts';
import type { JobSection } from './job-section.ts';
import { CENTRAL_PART, type PrivacyJobKind } from './privacy-job.ts';

const waddleExport = [...waddleExportSections, ...shardExportSections];
const waddleErasure = [...waddleErasureSections, ...shardErasureSections];

/**
 * The sections a job works through in one of its parts (the central directory, or a waddle), in
 * order. A waddle's part works through its primary's sections, then through those of its later
 * message shards, each shard after shard (nothing to do in a waddle of one database).
 */
export function sectionsOf(kind: PrivacyJobKind, part: number): readonly JobSection[] {
  if (kind === 'export') return part === CENTRAL_PART ? centralExportSections : waddleExport;
  return part === CENTRAL_PART ? centralErasureSections : waddleErasure;
}
