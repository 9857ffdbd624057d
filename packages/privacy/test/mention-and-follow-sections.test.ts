import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { channelNotificationLevelsErasure, threadFollowsErasure } from '../src/erasure/mention-and-follow-erasure-sections.ts';
import { waddleErasureSections } from '../src/erasure/waddle-erasure-sections.ts';
import {
  channelNotificationLevelsExport,
  mentionsMadeExport,
  threadFollowsExport,
} from '../src/export/mention-and-follow-export-sections.ts';
import { waddleExportSections } from '../src/export/waddle-export-sections.ts';
import { runSection, SUBJECT, seedWaddle } from './waddle-section-fixture.ts';

beforeEach(async () => {
  await seedWaddle([
    "INSERT INTO channels (id, name, created_by) VALUES (1, 'general', 1), (2, 'random', 1)",
    "INSERT INTO roles (id, name) VALUES (7, 'crew')",
    "INSERT INTO threads (id, channel_id, title, created_by) VALUES (1, 1, 'started by 6', 6), (2, 2, 'elsewhere', 6)",
    // 5 writes three messages, two with mentions, one in thread 1 (which 5 then follows).
    "INSERT INTO messages (id, channel_id, thread_id, user_id, content) VALUES (10, 1, 1, 5, 'hey <@6> <@&7>'), (11, 1, NULL, 5, 'plain'), (12, 2, NULL, 5, '@everyone')",
    "INSERT INTO message_mentions (message_id, kind, target_id, channel_id, thread_id, author_id) VALUES (10, 'user', 6, 1, 1, 5), (10, 'role', 7, 1, 1, 5), (12, 'everyone', 0, 2, NULL, 5)",
    // 6 mentions 5: that mention is 6's message, and stays.
    "INSERT INTO messages (id, channel_id, thread_id, user_id, content) VALUES (20, 2, 2, 6, 'thanks <@5>')",
    "INSERT INTO message_mentions (message_id, kind, target_id, channel_id, thread_id, author_id) VALUES (20, 'user', 5, 2, 2, 6)",
    'UPDATE thread_follows SET muted = 1, following = 0 WHERE user_id = 5 AND thread_id = 2',
    "INSERT INTO channel_notification_levels (user_id, channel_id, level, updated_at) VALUES (5, 1, 'mentions', 100), (6, 1, 'none', 100)",
  ]);
});

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;

describe('mentions, follows and thread read state in a personal-data job', () => {
  it('are exported: the mentions the user made, their follows with read markers, their channel levels', async () => {
    expect((await runSection(mentionsMadeExport)).records).toEqual([
      { type: 'mention', waddleId: 1, message_id: 10, channel_id: 1, thread_id: 1, kind: 'role', target_id: 7 },
      { type: 'mention', waddleId: 1, message_id: 10, channel_id: 1, thread_id: 1, kind: 'user', target_id: 6 },
      { type: 'mention', waddleId: 1, message_id: 12, channel_id: 2, thread_id: null, kind: 'everyone', target_id: 0 },
    ]);
    expect((await runSection(threadFollowsExport)).records).toEqual([
      { type: 'thread_follow', waddleId: 1, thread_id: 1, channel_id: 1, following: 1, muted: 0, last_read_message_id: 10 },
      { type: 'thread_follow', waddleId: 1, thread_id: 2, channel_id: 2, following: 0, muted: 1, last_read_message_id: 19 },
    ]);
    expect((await runSection(channelNotificationLevelsExport)).records).toEqual([
      { type: 'channel_notification_level', waddleId: 1, channel_id: 1, level: 'mentions', updated_at: 100 },
    ]);
    // Appended in this order after the sections before them (a running job finds sections by name).
    const first = waddleExportSections.indexOf(mentionsMadeExport);
    expect(waddleExportSections.slice(first, first + 3)).toEqual([
      mentionsMadeExport,
      threadFollowsExport,
      channelNotificationLevelsExport,
    ]);
  });

  it('pages the mentions made by message, whatever their density', async () => {
    const statements = Array.from({ length: 1100 }, (_, i) =>
      env.DB.prepare("INSERT INTO messages (channel_id, user_id, content) VALUES (1, 5, 'filler')"),
    );
    for (let i = 0; i < statements.length; i += 100) await env.DB.batch(statements.slice(i, i + 100));
    const pages: number[] = [];
    let cursor: readonly unknown[] | null = mentionsMadeExport.firstCursor;
    while (cursor !== null) {
      const page = await mentionsMadeExport.page(env.DB, SUBJECT, cursor);
      pages.push(page.records.length);
      cursor = page.next;
    }
    expect(pages).toEqual([3, 0, 0]);
  });

  it('are erased: the mentions the user made go with their messages, follows and levels are deleted; mentions of them stay as an id', async () => {
    for (const section of waddleErasureSections.filter((s) => s.name !== 'search_index')) await runSection(section);
    const names = waddleErasureSections.map((s) => s.name);
    expect(names.slice(names.indexOf('thread_follows'), names.indexOf('thread_follows') + 2)).toEqual([
      'thread_follows',
      'channel_notification_levels',
    ]);
    expect(names.at(-1)).toBe('search_index');
    expect(await count('SELECT count(*) AS n FROM message_mentions WHERE message_id IN (10, 11, 12)')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM thread_follows WHERE user_id = 5')).toBe(0);
    expect(await count('SELECT count(*) AS n FROM channel_notification_levels WHERE user_id = 5')).toBe(0);
    // Others' rows are untouched: 6's follows and level, and 6's mention of 5 (an opaque id, like authorship).
    expect(await count('SELECT count(*) AS n FROM thread_follows WHERE user_id = 6')).toBe(2);
    expect(await count('SELECT count(*) AS n FROM channel_notification_levels WHERE user_id = 6')).toBe(1);
    expect(await env.DB.prepare('SELECT message_id, kind, target_id FROM message_mentions').all()).toMatchObject({
      results: [{ message_id: 20, kind: 'user', target_id: 5 }],
    });
    // Each deletion is bounded and idempotent: a second pass changes nothing.
    expect((await threadFollowsErasure.page(env.DB, SUBJECT, [])).rows).toBe(0);
    expect((await channelNotificationLevelsErasure.page(env.DB, SUBJECT, [])).rows).toBe(0);
  });
});
