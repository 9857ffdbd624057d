import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import worker from '../src/index.ts';
import {
  type ApiAnswer,
  call,
  CHANNEL,
  freshPlatform,
  MESSAGE,
  type Persona,
  ROLE,
  snapshot,
  THREAD,
  tokenFor,
  USER,
  WADDLE,
} from './fixture.ts';
import { expectContractKept } from './response-contract.ts';

/*
 * Property-style: generated strings (lone surrogates, C0 and C1 controls, combining marks, emoji
 * sequences, right-to-left overrides, zero-width characters, strings at and past every limit)
 * go into every text field of every route. Each answer is a 400 with no database changed, or a
 * success whose value is the text sent (trimmed where the field trims), reads back exactly as
 * answered through the API and from SQLite (same UTF-8 bytes, `length()` equal to its code
 * points), within the field's documented limit.
 */

const w = `/v1/waddles/${WADDLE.private}`;

const PIECES = [
  'a',
  'Penguin',
  ' ',
  '   ',
  '\t',
  '\n',
  '\r\n',
  'é',
  'e\u0301',
  '\u0301',
  '\u0308\u0308\u0308',
  'Z\u0335\u0321\u0328',
  '🐧',
  '👍🏽',
  '👨‍👩‍👧',
  '🇫🇷',
  '1️⃣',
  '❤',
  '\uFE0F',
  '🏳️‍🌈',
  '\u202E',
  '\u202D',
  '\u2066',
  '\u2069',
  'שלום',
  'مرحبا',
  '\u200B',
  '\u200C',
  '\u200D',
  '\uFEFF',
  '\u2060',
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
  '\ud83d',
  '\u0000',
  '\u0007',
  '\u001b',
  '\u007f',
  '\u0080',
  '\u0085',
  '\u009b',
  '\u009f',
  '\u2028',
  '\u2029',
  '北京',
  '\u{10FFFF}',
  '\uFFFD',
  '\uFFFE',
  "'",
  '"',
  '\\',
  '%',
  '/',
  '<b>',
  ':',
  'NEAR(',
];

/** mulberry32: a small seeded generator, so a failure replays exactly (change the seed to explore). */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` code points: a unique tag, then `unit` (one code point) repeated. */
function filled(count: number, unit: string, tag: string): string {
  return tag + unit.repeat(Math.max(0, count - [...tag].length));
}

/** The generated values for a field of `min` to `max` code points; each non-empty one is unique (a `#n` tag). */
function values(min: number, max: number, seed: number): string[] {
  const random = generator(seed);
  let n = 0;
  const tag = () => `#${seed}.${n++}`;
  const generated: string[] = [];
  for (let i = 0; i < 24; i++) {
    const pieces = Array.from({ length: 1 + Math.floor(random() * 10) }, () => PIECES[Math.floor(random() * PIECES.length)]!);
    pieces.splice(Math.floor(random() * (pieces.length + 1)), 0, tag());
    generated.push(pieces.join(''));
  }
  const atLimits = [
    filled(max, '🐧', tag()), // max code points, twice as many UTF-16 units
    filled(max + 1, '🐧', tag()),
    filled(max, 'x', tag()),
    filled(max + 1, 'x', tag()),
    filled(max, '\u0301', tag()), // combining marks: one code point each
    `${tag()}${'e\u0301'.repeat(Math.floor(max / 2))}`.slice(0, 2 * max),
    filled(Math.ceil(max / 3) + 1, '\ud800', tag()), // lone surrogates: refused before their 3-byte storage can pass any limit
    `${tag()} ${'\u009b'.repeat(3)}`,
    filled(Math.max(min, 1), '\u200B', tag()),
    '',
    '   ',
  ];
  return [...generated, ...atLimits];
}

/** Percent-encodes any JavaScript string for a path, a lone surrogate as the 3 bytes a hostile client would send (WTF-8). */
function percentEncode(value: string): string {
  return [...value]
    .map((character) => {
      if (character.isWellFormed()) return encodeURIComponent(character);
      const unit = character.charCodeAt(0);
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    })
    .join('');
}

function utf8Hex(text: string): string {
  return [...new TextEncoder().encode(text)]
    .map((byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

interface Stored {
  /** What the API answered for the field. */
  readonly answered: unknown;
  /** The field as a later read through the API returns it. */
  readBack(): Promise<unknown>;
  /** The SQL that reads the stored value back from its database: `SELECT value, length(value), hex(value) …`. */
  readonly row: { readonly database: D1Database; readonly sql: string; readonly bind: readonly unknown[] };
}

interface TextField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The field is trimmed before it is checked and stored. */
  readonly trimmed: boolean;
  /** An empty value is stored as NULL (a ban without reason). */
  readonly emptyIsNull?: boolean;
  /** Values worth sending to this field besides the generated ones. */
  readonly extra?: readonly string[];
  /** Sends the value; on success, says where it was stored. */
  send(value: string): Promise<{ answer: ApiAnswer; stored?: () => Promise<Stored> }>;
}

const channels = async (who: Persona = 'moderator') => (await call(who, 'GET', `${w}/channels`)).body;

function categoryField(method: 'POST' | 'PATCH'): TextField {
  return {
    name: `${method} categories: name`,
    min: 1,
    max: 100,
    trimmed: true,
    async send(name) {
      const answer = await call('moderator', method, method === 'POST' ? `${w}/categories` : `${w}/categories/1`, { name });
      return {
        answer,
        stored: async () => ({
          answered: answer.body.name,
          readBack: async () => (await channels()).categories.find((c: { id: number }) => c.id === answer.body.id).name,
          row: {
            database: env.WADDLE_PRIVATE,
            sql: 'SELECT name AS value, length(name) AS length, hex(name) AS hex FROM categories WHERE id = ?',
            bind: [answer.body.id],
          },
        }),
      };
    },
  };
}

function channelField(method: 'POST' | 'PATCH', field: 'name' | 'description'): TextField {
  return {
    name: `${method} channels: ${field}`,
    min: field === 'name' ? 1 : 0,
    max: field === 'name' ? 100 : 1024,
    trimmed: true,
    async send(value) {
      const body = method === 'POST' ? { name: 'text-fields', [field]: value } : { [field]: value };
      const answer = await call('moderator', method, method === 'POST' ? `${w}/channels` : `${w}/channels/${CHANNEL.general}`, body);
      return {
        answer,
        stored: async () => ({
          answered: answer.body[field],
          readBack: async () => (await channels()).channels.find((c: { id: number }) => c.id === answer.body.id)[field],
          row: {
            database: env.WADDLE_PRIVATE,
            sql: `SELECT ${field} AS value, length(${field}) AS length, hex(${field}) AS hex FROM channels WHERE id = ?`,
            bind: [answer.body.id],
          },
        }),
      };
    },
  };
}

async function messageContent(id: number): Promise<string> {
  const page = await call('member', 'GET', `${w}/channels/${CHANNEL.general}/messages?anchor=${id}&before=0&after=1`);
  return page.body.messages.find((message: { id: number }) => message.id === id).content;
}

function messageField(method: 'POST' | 'PATCH'): TextField {
  return {
    name: `${method} messages: content`,
    min: 1,
    max: 4000,
    trimmed: false,
    async send(content) {
      const answer = await call(
        'member',
        method,
        method === 'POST' ? `${w}/channels/${CHANNEL.general}/messages` : `${w}/messages/${MESSAGE.byMember}`,
        { content },
      );
      return {
        answer,
        stored: async () => ({
          answered: answer.body.content,
          readBack: () => messageContent(answer.body.id),
          row: {
            database: env.WADDLE_PRIVATE,
            sql: 'SELECT content AS value, length(content) AS length, hex(content) AS hex FROM messages WHERE id = ?',
            bind: [answer.body.id],
          },
        }),
      };
    },
  };
}

function threadField(method: 'POST' | 'PATCH'): TextField {
  return {
    name: `${method} threads: title`,
    min: 1,
    max: 200,
    trimmed: true,
    async send(title) {
      const answer = await call(
        'moderator',
        method,
        method === 'POST' ? `${w}/channels/${CHANNEL.general}/threads` : `${w}/threads/${THREAD.welcome}`,
        { title },
      );
      return {
        answer,
        stored: async () => ({
          answered: answer.body.title,
          readBack: async () =>
            (await call('member', 'GET', `${w}/channels/${CHANNEL.general}/threads?limit=100`)).body.threads.find(
              (t: { id: number }) => t.id === answer.body.id,
            ).title,
          row: {
            database: env.WADDLE_PRIVATE,
            sql: 'SELECT title AS value, length(title) AS length, hex(title) AS hex FROM threads WHERE id = ?',
            bind: [answer.body.id],
          },
        }),
      };
    },
  };
}

function roleField(method: 'POST' | 'PATCH'): TextField {
  return {
    name: `${method} roles: name`,
    min: 1,
    max: 100,
    trimmed: true,
    async send(name) {
      const answer = await call('moderator', method, method === 'POST' ? `${w}/roles` : `${w}/roles/${ROLE.helper}`, { name });
      return {
        answer,
        stored: async () => ({
          answered: answer.body.name,
          readBack: async () =>
            (await call('member', 'GET', `${w}/roles`)).body.roles.find((r: { id: number }) => r.id === answer.body.id).name,
          row: {
            database: env.WADDLE_PRIVATE,
            sql: 'SELECT name AS value, length(name) AS length, hex(name) AS hex FROM roles WHERE id = ?',
            bind: [answer.body.id],
          },
        }),
      };
    },
  };
}

const banReason: TextField = {
  name: 'PUT bans: reason',
  min: 0,
  max: 512,
  trimmed: true,
  emptyIsNull: true,
  async send(reason) {
    const answer = await call('moderator', 'PUT', `${w}/bans/${USER.member}`, { reason });
    return {
      answer,
      stored: async () => ({
        answered: answer.body.reason,
        readBack: async () =>
          (await call('moderator', 'GET', `${w}/bans`)).body.bans.find((b: { userId: number }) => b.userId === USER.member).reason,
        row: {
          database: env.WADDLE_PRIVATE,
          sql: 'SELECT reason AS value, length(reason) AS length, hex(reason) AS hex FROM bans WHERE user_id = ?',
          bind: [USER.member],
        },
      }),
    };
  },
};

const reaction: TextField = {
  name: 'PUT reactions: {emoji}',
  min: 1,
  max: 64,
  trimmed: false,
  extra: [...PIECES, '👍🏽👍', ':party_parrot:', ':x:', '\u202E👍', '👍\u200D', '\u200D👍', '🏳️‍🌈\u200B', '#️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🧑🏽‍🚀', '❤️', '❤️‍🔥'],
  async send(emoji) {
    const answer = await call('member', 'PUT', `${w}/messages/${MESSAGE.byModerator}/reactions/${percentEncode(emoji)}`);
    return {
      answer,
      stored: async () => ({
        answered: emoji, // a 204 has no body: what was sent is what must be stored
        readBack: async () => {
          const page = await call(
            'member',
            'GET',
            `${w}/channels/${CHANNEL.general}/messages?anchor=${MESSAGE.byModerator}&before=0&after=1`,
          );
          const reactions: { emoji: string; reacted: boolean }[] = page.body.messages.find(
            (m: { id: number }) => m.id === MESSAGE.byModerator,
          ).reactions;
          return reactions.find((r) => r.emoji === emoji && r.reacted)?.emoji;
        },
        row: {
          database: env.WADDLE_PRIVATE,
          sql: 'SELECT emoji AS value, length(emoji) AS length, hex(emoji) AS hex FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?',
          bind: [MESSAGE.byModerator, USER.member, emoji],
        },
      }),
    };
  },
};

/** `POST /v1/waddles` without a D1 REST API: the input is validated in full, then the answer is 503 with nothing created. */
function waddleField(field: 'displayName' | 'description'): TextField {
  return {
    name: `POST waddles: ${field} (validation)`,
    min: field === 'displayName' ? 1 : 0,
    max: field === 'displayName' ? 100 : 1024,
    trimmed: true,
    async send(value) {
      const answer = await provisioning({ name: 'text-fields', displayName: 'Text fields', [field]: value }, false);
      return { answer };
    },
  };
}

async function provisioning(body: unknown, configured: boolean): Promise<ApiAnswer> {
  const request = new Request('http://waddle/v1/waddles', {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor('member')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const configuredEnv = configured
    ? {
        ...env,
        CLOUDFLARE_API_BASE_URL: inject('d1ApiBaseUrl'),
        CLOUDFLARE_ACCOUNT_ID: inject('d1ApiAccountId'),
        CLOUDFLARE_API_TOKEN: inject('d1ApiToken'),
        SLICES_DISPATCH_URL: inject('d1ApiDispatchUrl'),
      }
    : env;
  const response = await worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, configuredEnv);
  const answer = { status: response.status, body: await response.json(), headers: response.headers };
  expectContractKept('POST', '/v1/waddles', answer.status, answer.body);
  return answer;
}

const FIELDS: TextField[] = [
  categoryField('POST'),
  categoryField('PATCH'),
  channelField('POST', 'name'),
  channelField('POST', 'description'),
  channelField('PATCH', 'name'),
  channelField('PATCH', 'description'),
  messageField('POST'),
  messageField('PATCH'),
  threadField('POST'),
  threadField('PATCH'),
  roleField('POST'),
  roleField('PATCH'),
  banReason,
  reaction,
  waddleField('displayName'),
  waddleField('description'),
];

beforeEach(freshPlatform);

describe('every text field', () => {
  it.each(FIELDS.map((field, index) => [field.name, field, index] as const))(
    '%s: 400 with nothing written, or stored and read back exactly within its limit',
    async (_, field, index) => {
      let before = await snapshot();
      for (const value of [...(field.extra ?? []), ...values(field.min, field.max, index + 1)]) {
        if (field === reaction && value === '') continue; // no emoji segment: another path, answered 404
        const { answer, stored } = await field.send(value);
        // Assertions show the value as JSON: a lone surrogate in a failure message would break the test runner's channel.
        const shown = JSON.stringify(value);
        const seen = { value: shown, status: answer.status, code: answer.body?.error?.code };
        if (answer.status === 400) {
          expect(seen).toEqual({ ...seen, code: expect.stringMatching(/^invalid_(text|body|path)$/) });
          expect(await snapshot(), shown).toBe(before);
          continue;
        }
        if (!stored) {
          expect(seen).toEqual({ ...seen, status: 503, code: 'provisioning_unavailable' });
          expect(await snapshot(), shown).toBe(before);
          continue;
        }
        expect(seen).toEqual({ ...seen, status: expect.toSatisfy((status: number) => status >= 200 && status < 300) });
        const expected = field.trimmed ? value.trim() : value;
        const where = await stored();
        expect({ shown, answered: JSON.stringify(where.answered) }).toEqual({
          shown,
          answered: JSON.stringify(field.emptyIsNull && expected === '' ? null : expected),
        });
        expect({ shown, readBack: JSON.stringify(await where.readBack()) }).toEqual({ shown, readBack: JSON.stringify(where.answered) });
        const row = await where.row.database
          .prepare(where.row.sql)
          .bind(...where.row.bind)
          .first<{ value: string | null; length: number | null; hex: string | null }>();
        if (where.answered === null) {
          expect({ shown, row }).toEqual({ shown, row: { value: null, length: null, hex: '' } });
        } else {
          const codePoints = [...expected].length;
          expect({ shown, hex: row?.hex, length: row?.length }).toEqual({ shown, hex: utf8Hex(expected), length: codePoints });
          expect(row?.value === expected, shown).toBe(true);
          expect({ shown, codePoints }).toEqual({ shown, codePoints: expect.toSatisfy((n: number) => n >= field.min && n <= field.max) });
        }
        before = await snapshot();
      }
    },
  );

  it('GET search takes any generated text as a query: 200 or 400, never a write', async () => {
    const before = await snapshot();
    for (const q of values(1, 500, 99)) {
      const answer = await call('member', 'GET', `${w}/search?q=${percentEncode(q)}`);
      expect({ q: JSON.stringify(q), status: answer.status }).toEqual({
        q: JSON.stringify(q),
        status: expect.toSatisfy((status: number) => status === 200 || status === 400),
      });
    }
    expect(await snapshot()).toBe(before);
  });

  it('POST /v1/waddles stores a display name and description at their limits exactly (provisioned through the D1 REST API)', async () => {
    const displayName = '🐧'.repeat(100);
    const description = `${'e\u0301'.repeat(500)}\u202Eabc\u2069\u200D👨‍👩‍👧🇫🇷`.slice(0, 1024 + 1024);
    const kept = [...description].slice(0, 1024).join('');
    const created = await provisioning({ name: 'limits', displayName, description: kept }, true);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ displayName, description: kept });
    const row = await env.CENTRAL_DB.prepare(
      'SELECT length(display_name) AS n, length(description) AS d, hex(display_name) AS h FROM waddles WHERE id = ?',
    )
      .bind(created.body.id)
      .first();
    expect(row).toEqual({ n: 100, d: [...kept].length, h: utf8Hex(displayName) });
    const read = await provisioning({ name: 'limits-2', displayName: `${displayName}🐧` }, true);
    expect(read.body.error.code).toBe('invalid_text');
  });
});
