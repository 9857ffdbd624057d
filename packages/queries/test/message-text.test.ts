import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage, postMessages } from '../src/messages/post-message.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
const clock = testClock();

/** Every row of the messages table and of the search index's shadow tables: equal snapshots mean nothing was written. */
async function snapshot(): Promise<string> {
  const tables = ['messages', 'message_edits', 'messages_fts_data', 'messages_fts_docsize', 'threads', 'channels'];
  const parts = await Promise.all(
    tables.map(async (table) => JSON.stringify((await env.DB.prepare(`SELECT * FROM ${table}`).all()).results)),
  );
  return parts.join('\n');
}

/** The stored content as SQLite sees it: its text, its `length()`, and its bytes. */
async function stored(id: number): Promise<{ content: string; length: number; hex: string }> {
  return (await env.DB.prepare('SELECT content, length(content) AS length, hex(content) AS hex FROM messages WHERE id = ?')
    .bind(id)
    .first())!;
}

function utf8Hex(text: string): string {
  return [...new TextEncoder().encode(text)]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

const ILL_FORMED = ['\ud800', 'a\udc00b', '\ud800\ud800', 'ok 🐧 \ud83d', '\udc27\ud83d', '\ud800'.repeat(3334)];
const CONTROLS = ['a\u009b31mred', 'next\u0085line', 'nul\u0000byte', 'escape\u001b[2J', 'del\u007f', 'bell\u0007', 'vt\u000b', 'ff\u000c'];

beforeEach(async () => {
  waddle = await freshWaddle();
});

describe('message text in the query library', () => {
  it('refuses text that is not well-formed UTF-16 with InvalidQueryError, writing nothing (post, batch post, edit)', async () => {
    const { id } = await postMessage(waddle, { channelId: 1, authorId: 1, content: 'before', createdAt: clock.now() });
    const before = await snapshot();
    for (const content of ILL_FORMED) {
      await expect(postMessage(waddle, { channelId: 1, authorId: 1, content, createdAt: clock.now() })).rejects.toThrow(InvalidQueryError);
      await expect(
        postMessage(waddle, { channelId: 1, authorId: 1, content, createdAt: clock.now() }, { enforceSlowMode: true }),
      ).rejects.toThrow(InvalidQueryError);
      await expect(
        postMessages(waddle, [
          { channelId: 1, authorId: 1, content: 'fine', createdAt: clock.now() },
          { channelId: 1, authorId: 1, content, createdAt: clock.now() },
        ]),
      ).rejects.toThrow(/messages\[1\]\.content: must be well-formed Unicode/);
      await expect(editMessage(waddle, { messageId: id, content, editedAt: clock.now() })).rejects.toThrow(InvalidQueryError);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses control characters, C1 included, but keeps tab, line feed and carriage return', async () => {
    const { id } = await postMessage(waddle, { channelId: 1, authorId: 1, content: 'before', createdAt: clock.now() });
    const before = await snapshot();
    for (const content of CONTROLS) {
      await expect(postMessage(waddle, { channelId: 1, authorId: 1, content, createdAt: clock.now() })).rejects.toThrow(
        /content: must not contain control characters: U\+00/,
      );
      await expect(editMessage(waddle, { messageId: id, content, editedAt: clock.now() })).rejects.toThrow(InvalidQueryError);
    }
    expect(await snapshot()).toBe(before);
    const kept = 'line one\r\nline two\n\tindented';
    const posted = await postMessage(waddle, { channelId: 1, authorId: 1, content: kept, createdAt: clock.now() });
    expect((await stored(posted.id)).content).toBe(kept);
  });

  it('counts the 10,000-character limit in code points, as SQLite length() and the schema CHECK do', async () => {
    const atLimit = '🐧'.repeat(10_000); // 20,000 UTF-16 code units, 10,000 characters
    const posted = await postMessage(waddle, { channelId: 1, authorId: 1, content: atLimit, createdAt: clock.now() });
    expect(await stored(posted.id)).toEqual({ content: atLimit, length: 10_000, hex: utf8Hex(atLimit) });
    const before = await snapshot();
    await expect(postMessage(waddle, { channelId: 1, authorId: 1, content: `${atLimit}!`, createdAt: clock.now() })).rejects.toThrow(
      /content: must be at most 10000 characters \(Unicode code points\), not 10001/,
    );
    await expect(editMessage(waddle, { messageId: posted.id, content: 'x'.repeat(10_001), editedAt: clock.now() })).rejects.toThrow(
      InvalidQueryError,
    );
    expect(await snapshot()).toBe(before);
  });

  it('stores combining marks, right-to-left and zero-width characters and emoji sequences exactly as given', async () => {
    const texts = [
      'e\u0301 vs é',
      'Z\u0335\u0321\u0328a\u0336l\u0337g\u0338o',
      'abc\u202Edcba\u202C',
      '\u2067שלום\u2069 world',
      'zero\u200Bwidth\u200C\u200D\uFEFF',
      '👨‍👩‍👧 🇫🇷 1️⃣ 🏳️‍🌈 👍🏽',
      '\uFFFE\uFFFF \u{10FFFF}',
    ];
    for (const content of texts) {
      const { id } = await postMessage(waddle, { channelId: 1, authorId: 1, content, createdAt: clock.now() });
      expect(await stored(id)).toEqual({ content, length: [...content].length, hex: utf8Hex(content) });
    }
  });
});
