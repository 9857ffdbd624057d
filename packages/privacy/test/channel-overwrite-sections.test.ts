import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { channelOverwritesErasure } from '../src/erasure/waddle-erasure-sections.ts';
import { channelOverwritesExport } from '../src/export/channel-overwrites-export.ts';
import { waddleExportSections } from '../src/export/waddle-export-sections.ts';
import { waddleErasureSections } from '../src/erasure/waddle-erasure-sections.ts';
import { runSection, seedWaddle } from './waddle-section-fixture.ts';

/** Role 5 shares the subject's number (SUBJECT is user 5). */
beforeEach(async () => {
  const channels = Array.from({ length: 700 }, (_, i) => `(${i + 1}, 'c${i + 1}', 1)`).join(', ');
  await seedWaddle([
    `INSERT INTO channels (id, name, created_by) VALUES ${channels}`,
    "INSERT INTO roles (id, name) VALUES (5, 'five')",
    // 5's own overwrites in 600 channels (more than a page), 6's in one, role 5's in one.
    ...Array.from(
      { length: 6 },
      (_, page) =>
        `INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES ${Array.from({ length: 100 }, (_, i) => `(${page * 100 + i + 1}, 'member', 5, 1, 2)`).join(', ')}`,
    ),
    "INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (1, 'member', 6, 0, 1), (1, 'role', 5, 2, 0)",
  ]);
});

const remaining = async () =>
  (await env.DB.prepare('SELECT target_kind, target_id, count(*) AS n FROM channel_overwrites GROUP BY 1, 2 ORDER BY 1, 2').all()).results;

describe('channel overwrites in a personal-data job', () => {
  it('are exported: each overwrite naming the user, page by page, and no role’s', async () => {
    const { pages, records } = await runSection(channelOverwritesExport);
    expect(pages).toBe(2);
    expect(records).toHaveLength(600);
    expect(records[0]).toEqual({ type: 'channel_overwrite', waddleId: 1, channel_id: 1, allow: 1, deny: 2 });
    expect(records.at(-1)).toEqual({ type: 'channel_overwrite', waddleId: 1, channel_id: 600, allow: 1, deny: 2 });
    expect(waddleExportSections).toContain(channelOverwritesExport);
  });

  it('are erased: the overwrites naming the user go, in bounded pages, before the index rewrite; others’ and roles’ stay', async () => {
    const { pages } = await runSection(channelOverwritesErasure);
    expect(pages).toBe(2);
    expect(await remaining()).toEqual([
      { target_kind: 'member', target_id: 6, n: 1 },
      { target_kind: 'role', target_id: 5, n: 1 },
    ]);
    const names = waddleErasureSections.map((section) => section.name);
    expect(names.indexOf('channel_overwrites')).toBeLessThan(names.indexOf('search_index'));
  });
});
