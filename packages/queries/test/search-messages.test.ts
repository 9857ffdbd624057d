import { env } from 'cloudflare:test';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { testClock } from '@waddle/clock/test-clock';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { parseSearchQuery } from '../src/search/search-query.ts';
import { planSearch, searchMessages, type SearchOptions } from '../src/search/search-messages.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
const ALL = [1, 2, 3];
/** The time of the next post: the test's clock, from the real now. */
const clock = testClock();

async function post(
  content: string,
  extra: { channelId?: number; authorId?: number; threadId?: number; createdAt?: number } = {},
): Promise<number> {
  const { id } = await postMessage(waddle, {
    channelId: extra.channelId ?? 1,
    authorId: extra.authorId ?? 1,
    threadId: extra.threadId ?? null,
    content,
    createdAt: extra.createdAt ?? clock.advance(1000),
  });
  return id;
}

async function found(query: string, options: Partial<SearchOptions> = {}): Promise<number[]> {
  const { hits } = await searchMessages(waddle, { query, visibleChannelIds: ALL, ...options });
  return hits.map((h) => h.id);
}

beforeEach(async () => {
  waddle = await freshWaddle();
});

describe('searchMessages', () => {
  it('finds English words whatever their case, and Latin words whatever their diacritics', async () => {
    const penguin = await post('The Emperor PENGUIN dives deep');
    const cafe = await post('Rendez-vous au Café de Flore, à Paris');
    const naive = await post('a naïve façade in São Paulo');
    expect(await found('penguin')).toEqual([penguin]);
    expect(await found('emperor Penguin')).toEqual([penguin]);
    expect(await found('cafe')).toEqual([cafe]);
    expect(await found('CAFÉ')).toEqual([cafe]);
    expect(await found('a paris')).toEqual([cafe]);
    expect(await found('naive facade sao')).toEqual([naive]);
  });

  it('finds Cyrillic words whatever their case', async () => {
    const hello = await post('Привет, как дела? Пингвины плавают.');
    expect(await found('привет')).toEqual([hello]);
    expect(await found('ПИНГВИНЫ')).toEqual([hello]);
    expect(await found('пингвин*')).toEqual([hello]);
  });

  it('finds Chinese text by any substring of two or more characters', async () => {
    const beijing = await post('我爱北京天安门，天安门上太阳升。');
    const mixed = await post('明天去Shanghai浦东机场');
    const other = await post('北方的天气很冷');
    const text = '我爱北京天安门';
    for (let start = 0; start < text.length; start++) {
      for (let end = start + 2; end <= text.length; end++) {
        expect({ q: text.slice(start, end), found: await found(text.slice(start, end)) }).toEqual({
          q: text.slice(start, end),
          found: [beijing],
        });
      }
    }
    expect(await found('浦东机场')).toEqual([mixed]);
    expect(await found('shanghai')).toEqual([mixed]);
    expect(await found('天气')).toEqual([other]);
    expect(await found('北京 天安门')).toEqual([beijing]);
    expect((await found('北')).sort()).toEqual([beijing, other].sort());
    expect(await found('天安门上太阳')).toEqual([beijing]);
    expect(await found('北天')).toEqual([]);
  });

  it('finds Japanese and Korean substrings too', async () => {
    const japanese = await post('東京タワーに行きました');
    const korean = await post('학교에서 공부했어요');
    expect(await found('タワー')).toEqual([japanese]);
    expect(await found('東京')).toEqual([japanese]);
    expect(await found('학교')).toEqual([korean]);
  });

  it('understands phrases, prefixes and exclusions', async () => {
    const pole = await post('the north pole is cold');
    const reversed = await post('the pole north of here');
    const antarctic = await post('antarctica is colder than the arctic');
    expect(await found('"north pole"')).toEqual([pole]);
    expect((await found('north pole')).sort()).toEqual([pole, reversed].sort());
    expect(await found('antarc*')).toEqual([antarctic]);
    expect(await found('cold*')).toEqual([antarctic, pole]);
    expect(await found('north -"pole is"')).toEqual([reversed]);
    expect(await found('the -north')).toEqual([antarctic]);
    expect(await found('-north')).toEqual([]);
  });

  it('never finds a deleted message, and finds an edited one by its new text only', async () => {
    const gone = await post('secret plans for the iceberg');
    const edited = await post('meet at the glacier');
    await deleteMessage(waddle, gone);
    await editMessage(waddle, { messageId: edited, content: 'meet at the fjord', editedAt: clock.advance(1000) });
    expect(await found('iceberg')).toEqual([]);
    expect(await found('secret')).toEqual([]);
    expect(await found('glacier')).toEqual([]);
    expect(await found('fjord')).toEqual([edited]);
    expect(await found('meet')).toEqual([edited]);
  });

  it('filters by the visible channels, channel, author, thread and time', async () => {
    await waddle.db.insertInto('threads').values({ id: 1, channel_id: 2, title: 'fish', created_by: 1 }).execute();
    const a = await post('krill report', { channelId: 1, authorId: 1, createdAt: 1000 });
    const b = await post('krill report', { channelId: 2, authorId: 2, threadId: 1, createdAt: 2000 });
    const c = await post('krill report', { channelId: 3, authorId: 2, createdAt: 3000 });
    expect(await found('krill')).toEqual([c, b, a]);
    expect(await found('krill', { visibleChannelIds: [1, 2] })).toEqual([b, a]);
    expect(await found('krill', { visibleChannelIds: [] })).toEqual([]);
    expect(await found('krill', { visibleChannelIds: [1], channelId: 3 })).toEqual([]);
    expect(await found('krill', { channelId: 2 })).toEqual([b]);
    expect(await found('krill', { authorId: 2 })).toEqual([c, b]);
    expect(await found('krill', { threadId: 1 })).toEqual([b]);
    expect(await found('krill', { after: 2000 })).toEqual([c, b]);
    expect(await found('krill', { before: 2000 })).toEqual([a]);
    expect(await found('krill', { after: 1500, before: 2500 })).toEqual([b]);
  });

  it('sorts by relevance with recency breaking ties, and pages both sorts with a cursor', async () => {
    const weak = await post('fish and other things and more words here');
    const strong = await post('fish fish fish');
    const tieOld = await post('fish tie');
    const tieNew = await post('fish tie');
    const relevance = await found('fish', { sort: 'relevance' });
    expect(relevance[0]).toBe(strong);
    expect(relevance.indexOf(tieNew)).toBe(relevance.indexOf(tieOld) - 1);
    expect(relevance.at(-1)).toBe(weak);

    for (const sort of ['recent', 'relevance'] as const) {
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await searchMessages(waddle, { query: 'fish', visibleChannelIds: ALL, sort, limit: 1, cursor });
        seen.push(...page.hits.map((h) => h.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(await found('fish', { sort }));
    }
    const first = await searchMessages(waddle, { query: 'fish', visibleChannelIds: ALL, limit: 1 });
    await expect(searchMessages(waddle, { query: 'tie', visibleChannelIds: ALL, cursor: first.nextCursor })).rejects.toThrow(
      /another search/,
    );
  });

  it('highlights the matched words in a snippet, as data', async () => {
    await post('Nous avons pris un café <b>noir</b> près du port');
    const [hit] = (await searchMessages(waddle, { query: 'CAFE noir', visibleChannelIds: ALL })).hits;
    expect(hit!.snippet).toEqual([
      { text: 'Nous avons pris un ', match: false },
      { text: 'café', match: true },
      { text: ' <b>', match: false },
      { text: 'noir', match: true },
      { text: '</b> près du port', match: false },
    ]);
    await post('很多人都喜欢北京烤鸭和北京的秋天');
    const [cjk] = (await searchMessages(waddle, { query: '北京', visibleChannelIds: ALL })).hits;
    expect(cjk!.snippet.filter((p) => p.match).map((p) => p.text)).toEqual(['北京', '北京']);
  });

  it('turns 5,000 hostile strings into results or an empty list, never an error', async () => {
    await post('normal text with NEAR and AND words');
    const fragments = [
      '"',
      '""',
      "'",
      'NEAR(',
      'NEAR(a b, 2)',
      '*',
      '^',
      '-',
      '+',
      ':',
      'body:',
      'messages_fts:',
      '{body}',
      '(',
      ')',
      'AND',
      'OR',
      'NOT',
      '\u0000',
      '\u0007',
      '\u001f',
      '\ud800',
      '\udfff',
      '\\',
      '%',
      '_',
      ';',
      '--',
      '/*',
      "'; DROP TABLE messages; --",
      'x'.repeat(300),
      '北',
      '🐧',
      'é',
      '\u0301',
    ];
    let state = 42;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const strings: string[] = ['', ' ', '"'.repeat(9), '*'.repeat(50), 'NEAR('.repeat(100), 'a'.repeat(10_240), '"a'.repeat(5000)];
    while (strings.length < 5000) {
      const parts = Array.from({ length: 1 + Math.floor(next() * 8) }, () => fragments[Math.floor(next() * fragments.length)]!);
      strings.push(parts.join(next() < 0.5 ? ' ' : ''));
    }
    for (const query of strings) {
      for (const sort of ['recent', 'relevance'] as const) {
        const result = await searchMessages(waddle, { query, visibleChannelIds: ALL, sort });
        expect(Array.isArray(result.hits)).toBe(true);
      }
    }
    expect(await found('NEAR AND')).toHaveLength(1);
  }, 300_000);

  it('refuses bad options with InvalidQueryError before touching the database', async () => {
    for (const options of [
      { limit: 0 },
      { limit: 101 },
      { sort: 'best' as never },
      { authorId: 1.5 },
      { cursor: 'garbage!' },
      { visibleChannelIds: [Number.NaN] },
    ]) {
      await expect(searchMessages(waddle, { query: 'x', visibleChannelIds: ALL, ...options })).rejects.toBeInstanceOf(InvalidQueryError);
    }
  });

  it('plans a recent search as an index walk and a relevance search without scanning messages', async () => {
    await post('plan check');
    const recent = planSearch({ query: 'plan', visibleChannelIds: ALL, authorId: 1, after: 0 }).query!;
    const recentPlan = await explainQueryPlan(env.DB, recent.compile(waddle.db));
    expect(planProblems(recentPlan)).toEqual([]);
    const relevance = planSearch({ query: 'plan', visibleChannelIds: ALL, sort: 'relevance' }).query!;
    const relevancePlan = (await explainQueryPlan(env.DB, relevance.compile(waddle.db))).map((s) => s.detail);
    // Ranking must score every match, so the sort by score is a temporary B-tree by nature; messages are still read by key.
    expect(relevancePlan.filter((d) => /^SCAN (?!.*VIRTUAL TABLE)/.test(d) && !/^SCAN f$/.test(d))).toEqual([]);
    expect(relevancePlan.join('\n')).toMatch(/SEARCH m USING INTEGER PRIMARY KEY/);
  });
});

describe('parseSearchQuery', () => {
  it('quotes every token so operators are searched as words', () => {
    expect(parseSearchQuery('café "north pole" pengu* -winter').match).toBe('"café" "north pole" "pengu"* NOT ("winter")');
    expect(parseSearchQuery('NEAR(a b) AND body:x').match).toBe('"NEAR a" "b" "AND" "body x"');
    expect(parseSearchQuery('-only -negatives').match).toBeNull();
    expect(parseSearchQuery('北京天安门').match).toBe('"北京 京天 天安 安门"');
  });
});

describe('relevance with restrictive filters', () => {
  it('still finds the best matches when the best-scored candidates are all filtered out', async () => {
    for (let i = 0; i < 200; i++) await post('seal seal seal', { channelId: 2 });
    const hidden = await post('a seal among many other words in a long message here', { channelId: 1 });
    expect(await found('seal', { sort: 'relevance', channelId: 1 })).toEqual([hidden]);
    expect(await found('seal', { sort: 'relevance', visibleChannelIds: [1, 3] })).toEqual([hidden]);
  });
});
