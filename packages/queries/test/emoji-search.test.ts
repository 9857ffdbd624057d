import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { parseSearchQuery } from '../src/search/search-query.ts';
import { reindexEmojiMessages } from '../src/search/reindex-emoji-messages.ts';
import { searchMessages } from '../src/search/search-messages.ts';
import { searchableText, searchTokens } from '../src/search/searchable-text.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
let t = Date.now();

async function post(content: string): Promise<number> {
  t += 1000;
  return (await postMessage(waddle, { channelId: 1, authorId: 1, content, createdAt: t })).id;
}

async function found(query: string): Promise<number[]> {
  const { hits } = await searchMessages(waddle, { query, visibleChannelIds: [1, 2, 3] });
  return hits.map((h) => h.id).sort((a, b) => a - b);
}

/** A message as a writer before this version indexed it: the text as is, whose emoji unicode61 drops. */
async function postIndexedTheOldWay(content: string): Promise<number> {
  t += 1000;
  const row = await env.DB.prepare('INSERT INTO messages (channel_id, user_id, content, created_at) VALUES (1, 1, ?, ?) RETURNING id')
    .bind(content, t)
    .first<{ id: number }>();
  await env.DB.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)').bind(row!.id, content).run();
  return row!.id;
}

beforeEach(async () => {
  waddle = await freshWaddle();
  t = Date.now();
});

describe('emoji in search', () => {
  it('finds an emoji alone, against a word, in a phrase, and folds skin tones and variation selectors', async () => {
    const penguin = await post('Who wants to review the krill report? 🐧');
    const glued = await post('party🎉time');
    const thumbsMedium = await post('👍🏽 agreed');
    const thumbs = await post('👍 fine by me');
    const hearts = await post('❤️ and ❤ and ❤');
    const family = await post('👨‍👩‍👧 at the beach');
    const flags = await post('trip 🇫🇷🇩🇪');
    const words = await post('just words, no pictures');
    expect(await found('🐧')).toEqual([penguin]);
    expect(await found('🎉')).toEqual([glued]);
    expect(await found('party')).toEqual([glued]);
    expect(await found('"report 🐧"')).toEqual([penguin]);
    expect(await found('👍')).toEqual([thumbsMedium, thumbs]);
    expect(await found('👍🏿')).toEqual([thumbsMedium, thumbs]);
    expect(await found('❤')).toEqual([hearts]);
    expect(await found('❤️')).toEqual([hearts]);
    expect(await found('👨‍👩‍👧')).toEqual([family]);
    expect(await found('👩')).toEqual([]);
    expect(await found('🇩🇪')).toEqual([flags]);
    expect(await found('🇫🇷')).toEqual([flags]);
    expect(await found('🇷🇩')).toEqual([]);
    expect(await found('🐧 -krill')).toEqual([]);
    expect(await found('words')).toEqual([words]);
  });

  it('tokenizes the query exactly as the index: every emoji of a text is one token, text without emoji is unchanged', () => {
    expect(searchTokens('a🐧b 👍🏽👍 🇫🇷')).toHaveLength(6);
    expect(searchTokens('👍🏽')).toEqual(searchTokens('👍'));
    for (const emoji of [
      '🐧',
      '👍🏽',
      '🇫🇷',
      '1️⃣',
      '#️⃣',
      '*️⃣',
      '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
      '👨‍👩‍👧',
      '🏳️‍🌈',
      '❤️‍🔥',
      '🧑🏽‍🚀',
      '☝🏿',
      '🅰️',
      'Ⓜ️',
      '©️',
      '〰️',
      '㊗️',
      '🫠',
      '🏽',
    ]) {
      expect({ emoji, tokens: searchTokens(`a${emoji}b`).length, alone: searchTokens(emoji).length }).toEqual({
        emoji,
        tokens: 3,
        alone: 1,
      });
    }
    for (const text of ['plain words', 'Café du Nord', '北京天安门 hello', 'a-b_c d.e'])
      expect(searchableText(text)).toBe(text.includes('北') ? '北京 京天 天安 安门 hello' : text);
    expect(parseSearchQuery('🐧').match).toBe(`"${searchTokens('🐧')[0]}"`);
  });

  it('highlights the matched emoji in the snippet, whatever its skin tone', async () => {
    await post('well done 👍🏽 team');
    const { hits } = await searchMessages(waddle, { query: '👍', visibleChannelIds: [1] });
    expect(hits[0]!.snippet).toEqual([
      { text: 'well done ', match: false },
      { text: '👍🏽', match: true },
      { text: ' team', match: false },
    ]);
  });

  it('reindexes messages indexed before emoji were searchable, in resumable slices, leaving changed ones to their writer', async () => {
    const old = [
      await postIndexedTheOldWay('old krill 🐧'),
      await postIndexedTheOldWay('no emoji here'),
      await postIndexedTheOldWay('🎉 old party'),
    ];
    const edited = await postIndexedTheOldWay('soon edited 🐧');
    const deleted = await postIndexedTheOldWay('soon deleted 🐧');
    const later = await postIndexedTheOldWay('last one 🐧');
    expect(await found('🐧')).toEqual([]);
    expect(await found('krill')).toEqual([old[0]]);

    const first = await reindexEmojiMessages(waddle, { limit: 3 });
    expect(first).toEqual({ scanned: 3, reindexed: 2, next: old[2] });
    expect(await found('🐧')).toEqual([old[0]]);
    // Between slices, one message is edited (its writer re-indexes it) and one is tombstoned.
    expect(await editMessage(waddle, { messageId: edited, content: 'edited without penguin', editedAt: t })).toBe(true);
    await env.DB.prepare('UPDATE messages SET is_deleted = 1, content = NULL WHERE id = ?').bind(deleted).run();
    const second = await reindexEmojiMessages(waddle, { after: first.next!, limit: 3 });
    expect(second).toEqual({ scanned: 2, reindexed: 1, next: null });
    expect(await found('🐧')).toEqual([old[0], later]);
    expect(await found('🎉')).toEqual([old[2]]);
    expect(await found('krill')).toEqual([old[0]]);
    expect(await found('penguin')).toEqual([edited]);
    expect(await found('soon')).toEqual([]);

    // A repeated slice changes nothing that can be seen.
    const again = await reindexEmojiMessages(waddle, { limit: 3 });
    expect(again.next).toBe(old[2]);
    expect(await found('🐧')).toEqual([old[0], later]);
    expect(await found('old')).toEqual([old[0], old[2]]);
    const integrity = await env.DB.prepare("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 0)").run();
    expect(integrity.success).toBe(true);
  });
});
