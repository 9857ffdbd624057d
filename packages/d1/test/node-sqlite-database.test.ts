import { describe, expect, it } from 'vitest';
import { openNodeSqliteDatabase } from '../src/node-sqlite-database.ts';
import { explainQueryPlan, planProblems } from '../src/query-plan.ts';

describe('openNodeSqliteDatabase', () => {
  it('reports the size after each statement as page count times page size, as D1 does', async () => {
    const db = openNodeSqliteDatabase(':memory:');
    try {
      await db.prepare('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)').run();
      const before = (await db.prepare('INSERT INTO notes (body) VALUES (?)').bind('a').run()).meta.size_after!;
      const after = (await db.prepare('INSERT INTO notes (body) VALUES (?)').bind('b'.repeat(50_000)).run()).meta.size_after!;
      const pages = db.handle.prepare('SELECT page_count * page_size AS size FROM pragma_page_count(), pragma_page_size()').get();
      expect(after).toBe(Number(pages?.size));
      expect(after).toBeGreaterThan(before);
    } finally {
      db.close();
    }
  });

  it('runs a batch as one transaction: a failing statement leaves nothing of the others', async () => {
    const db = openNodeSqliteDatabase(':memory:');
    try {
      await db.prepare('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)').run();
      const insert = db.prepare('INSERT INTO notes (id, body) VALUES (?, ?)');
      await expect(db.batch([insert.bind(1, 'a'), insert.bind(1, 'again')])).rejects.toThrow(/UNIQUE/);
      expect((await db.prepare('SELECT count(*) AS n FROM notes').first<{ n: number }>())?.n).toBe(0);
    } finally {
      db.close();
    }
  });
});

describe('explainQueryPlan', () => {
  it('reads the plan of a statement without running it, and names a full scan as a problem', async () => {
    const db = openNodeSqliteDatabase(':memory:');
    try {
      await db.batch([
        db.prepare('CREATE TABLE notes (id INTEGER PRIMARY KEY, author INTEGER NOT NULL, body TEXT NOT NULL)'),
        db.prepare('CREATE INDEX notes_by_author ON notes (author, id)'),
      ]);
      const indexed = await explainQueryPlan(db, { sql: 'SELECT id FROM notes WHERE author = ? ORDER BY id', parameters: [1] });
      expect(indexed.map((step) => step.detail)).toEqual(['SEARCH notes USING COVERING INDEX notes_by_author (author=?)']);
      expect(planProblems(indexed)).toEqual([]);
      const scanned = await explainQueryPlan(db, { sql: 'SELECT id FROM notes WHERE body = ?', parameters: ['x'] });
      expect(planProblems(scanned)).toEqual(['SCAN notes']);
    } finally {
      db.close();
    }
  });
});
