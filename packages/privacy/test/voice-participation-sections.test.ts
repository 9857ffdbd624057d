import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { voiceParticipationErasure, voiceSessionsErasure, waddleErasureSections } from '../src/erasure/waddle-erasure-sections.ts';
import { voiceParticipationExport } from '../src/export/voice-participation-export-section.ts';
import { waddleExportSections } from '../src/export/waddle-export-sections.ts';
import { runSection, SUBJECT, seedWaddle } from './waddle-section-fixture.ts';

beforeEach(async () => {
  await seedWaddle([
    "INSERT INTO channels (id, name, type, created_by) VALUES (1, 'lounge', 'voice', 1), (2, 'stage', 'voice', 1)",
    // Session 1 (lounge, started by 5) has ended; session 2 (stage, started by 6) is open with 5 and 6 in it.
    'INSERT INTO voice_sessions (id, channel_id, started_by, started_at) VALUES (1, 1, 5, 1000), (2, 2, 6, 5000)',
    `INSERT INTO voice_session_participants (id, session_id, user_id, joined_at, last_seen_at, left_at) VALUES
        (1, 1, 5, 1000, 1500, NULL), (2, 1, 6, 1100, 1900, NULL)`,
    'UPDATE voice_sessions SET ended_at = 2000 WHERE id = 1',
    `INSERT INTO voice_session_participants (id, session_id, user_id, joined_at, last_seen_at, left_at) VALUES
        (3, 2, 6, 5000, 5000, NULL), (4, 2, 5, 5100, 5200, NULL)`,
  ]);
});

describe('voice participation in a personal-data job', () => {
  it('is exported: each stint of the user, with its session and channel', async () => {
    expect((await runSection(voiceParticipationExport)).records).toEqual([
      { type: 'voice_participation', waddleId: 1, id: 1, session_id: 1, channel_id: 1, joined_at: 1000, last_seen_at: 1500, left_at: 2000 },
      { type: 'voice_participation', waddleId: 1, id: 4, session_id: 2, channel_id: 2, joined_at: 5100, last_seen_at: 5200, left_at: null },
    ]);
    expect(waddleExportSections.at(-1)).toBe(voiceParticipationExport);
  });

  it('is erased: the stints go, an open session the user was in stays open for the others, sessions they started lose their name', async () => {
    await runSection(voiceSessionsErasure);
    await runSection(voiceParticipationErasure);
    const { results: stints } = await env.DB.prepare('SELECT id, user_id, left_at FROM voice_session_participants ORDER BY id').all();
    expect(stints).toEqual([
      { id: 2, user_id: 6, left_at: 2000 },
      { id: 3, user_id: 6, left_at: null },
    ]);
    const { results: sessions } = await env.DB.prepare(
      'SELECT id, started_by, ended_at, max_participants FROM voice_sessions ORDER BY id',
    ).all();
    expect(sessions).toEqual([
      { id: 1, started_by: null, ended_at: 2000, max_participants: 2 },
      { id: 2, started_by: 6, ended_at: null, max_participants: 2 },
    ]);
    expect((await voiceParticipationErasure.page(env.DB, SUBJECT, [])).rows).toBe(0);
    const names = waddleErasureSections.map((section) => section.name);
    // Before the index rewrite, which ends every erasure.
    expect(names.indexOf('voice_participations')).toBeGreaterThan(-1);
    expect(names.indexOf('voice_participations')).toBeLessThan(names.indexOf('search_index'));
    expect(names.at(-1)).toBe('search_index');
  });

  it('ends a session the erased user was the last one in, at the latest time anyone was seen in it', async () => {
    await env.DB.prepare('UPDATE voice_session_participants SET left_at = 5050 WHERE id = 3').run();
    await runSection(voiceParticipationErasure);
    const session = await env.DB.prepare('SELECT ended_at FROM voice_sessions WHERE id = 2').first();
    expect(session).toEqual({ ended_at: 5200 });
  });
});
