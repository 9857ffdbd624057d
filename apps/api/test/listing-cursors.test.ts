import { env } from 'cloudflare:test';
import { encodeCursor } from '@waddle/queries/opaque-cursor';
import { beforeEach, describe, expect, it } from 'vitest';
import { call, freshPlatform, WADDLE } from './fixture.ts';

beforeEach(freshPlatform);

/** Follows `nextCursor` from the first page to the last; every page's items, in order. */
async function everyPage<T>(path: string, items: (body: any) => T[]): Promise<{ pages: T[][]; statuses: number[] }> {
  const pages: T[][] = [];
  const statuses: number[] = [];
  let cursor: string | null = null;
  do {
    const answer = await call('member', 'GET', `${path}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    statuses.push(answer.status);
    pages.push(items(answer.body));
    cursor = answer.body.nextCursor;
  } while (cursor !== null && pages.length < 50);
  return { pages, statuses };
}

describe('cursors of the directory and of members, over ties', () => {
  it('pages the directory by member count with ties broken by id: every public waddle once, in order', async () => {
    const central = env.CENTRAL_DB;
    // Seven more public waddles: member counts 3, 2, 2, 2, 1, 0, 0 (waddle 2 has 1), so most pages cut through a tie.
    await central.batch([
      central.prepare(
        `INSERT INTO databases (role, d1_database_id, created_at, updated_at) SELECT 'waddle', 'd' || value, 0, 0 FROM json_each('[10,11,12,13,14,15,16]')`,
      ),
      central.prepare(
        `INSERT INTO waddles (id, name, display_name, owner_id, is_public, d1_database_id, primary_database_id) VALUES
          (10, 'w10', 'W10', 1, 1, 'd10', (SELECT id FROM databases WHERE d1_database_id = 'd10')), (11, 'w11', 'W11', 1, 1, 'd11', (SELECT id FROM databases WHERE d1_database_id = 'd11')), (12, 'w12', 'W12', 1, 1, 'd12', (SELECT id FROM databases WHERE d1_database_id = 'd12')), (13, 'w13', 'W13', 1, 1, 'd13', (SELECT id FROM databases WHERE d1_database_id = 'd13')),
          (14, 'w14', 'W14', 1, 1, 'd14', (SELECT id FROM databases WHERE d1_database_id = 'd14')), (15, 'w15', 'W15', 1, 1, 'd15', (SELECT id FROM databases WHERE d1_database_id = 'd15')), (16, 'w16', 'W16', 1, 1, 'd16', (SELECT id FROM databases WHERE d1_database_id = 'd16'))`,
      ),
      central.prepare(
        `INSERT INTO waddle_members (waddle_id, user_id) VALUES (10, 1), (10, 2), (10, 3), (13, 1), (13, 2), (11, 1), (11, 2), (12, 1), (12, 3), (14, 4)`,
      ),
    ]);
    const { pages, statuses } = await everyPage('/v1/directory?limit=2', (body) =>
      body.waddles.map((w: { id: number; memberCount: number }) => [w.memberCount, w.id]),
    );
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 2]);
    expect(pages.flat()).toEqual([
      [3, 10],
      [2, 11],
      [2, 12],
      [2, 13],
      [1, 2],
      [1, 14],
      [0, 15],
      [0, 16],
    ]);
  });

  it('pages the members of a waddle, most recent first, with ties on the join time broken by user id: everyone once', async () => {
    const central = env.CENTRAL_DB;
    await central.batch([
      central.prepare("INSERT INTO users (id, username) VALUES (20, 'u20'), (21, 'u21'), (22, 'u22'), (23, 'u23'), (24, 'u24')"),
      central.prepare(
        'INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (1, 20, 3000), (1, 21, 3000), (1, 22, 3000), (1, 23, 2000), (1, 24, 9000)',
      ),
    ]);
    const { pages } = await everyPage(`/v1/waddles/${WADDLE.private}/members?limit=2`, (body) =>
      body.members.map((m: { userId: number; joinedAt: number }) => [m.joinedAt, m.userId]),
    );
    expect(pages.flat()).toEqual([
      [9000, 24],
      [3000, 3],
      [3000, 20],
      [3000, 21],
      [3000, 22],
      [2000, 2],
      [2000, 23],
      [1000, 1],
    ]);
  });

  it("pages the caller's own waddles, most recently joined first, ties by waddle id: each once", async () => {
    const central = env.CENTRAL_DB;
    await central.batch([
      central.prepare(
        `INSERT INTO databases (role, d1_database_id, created_at, updated_at) SELECT 'waddle', 'd' || value, 0, 0 FROM json_each('[10,11,12,13]')`,
      ),
      central.prepare(
        `INSERT INTO waddles (id, name, display_name, owner_id, is_public, d1_database_id, primary_database_id) VALUES
          (10, 'w10', 'W10', 1, 1, 'd10', (SELECT id FROM databases WHERE d1_database_id = 'd10')), (11, 'w11', 'W11', 1, 0, 'd11', (SELECT id FROM databases WHERE d1_database_id = 'd11')), (12, 'w12', 'W12', 1, 1, 'd12', (SELECT id FROM databases WHERE d1_database_id = 'd12')), (13, 'w13', 'W13', 1, 0, 'd13', (SELECT id FROM databases WHERE d1_database_id = 'd13'))`,
      ),
      // The member (3) is in waddle 1 since 3000; now also in 10-13, two of them at the same moment twice.
      central.prepare(
        'INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (12, 3, 5000), (10, 3, 5000), (13, 3, 4000), (11, 3, 4000)',
      ),
    ]);
    const { pages } = await everyPage('/v1/waddles?limit=2', (body) =>
      body.waddles.map((w: { id: number; joinedAt: number }) => [w.joinedAt, w.id]),
    );
    expect(pages.flat()).toEqual([
      [5000, 10],
      [5000, 12],
      [4000, 11],
      [4000, 13],
      [3000, 1],
    ]);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
  });

  it('refuses cursors that were not made by the endpoint with 400 before touching a database', async () => {
    const forged = [
      'MTIzOjQ1', // the former `count:id` form
      encodeCursor({ key: -1, id: 1 }),
      encodeCursor({ key: 1.5, id: 1 }),
      encodeCursor({ key: 1, id: 2 ** 60 }),
      encodeCursor({ key: '1', id: 1 }),
      encodeCursor({ id: 1 }),
      "1' OR '1'='1",
    ];
    for (const cursor of forged) {
      for (const path of ['/v1/directory?limit=2', '/v1/waddles?limit=2', `/v1/waddles/${WADDLE.private}/members?limit=2`]) {
        const answer = await call('member', 'GET', `${path}&cursor=${encodeURIComponent(cursor)}`);
        expect({ cursor, path, status: answer.status, code: answer.body.error?.code }).toEqual({
          cursor,
          path,
          status: 400,
          code: 'invalid_query',
        });
      }
    }
  });
});
