import type { Expression } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type BoundArguments, compiledOnce } from '../src/compiled-once.ts';
import { freshWaddle } from './fresh-waddle.ts';

const rolesOf = compiledOnce(
  (args: { userId: number; after: number | null }) => ({ paged: args.after !== null }),
  (db, args: BoundArguments<{ userId: number; after: number | null }>, shape) => {
    const query = db.selectFrom('member_roles').select('role_id').where('user_id', '=', args.userId).where('granted_by', '<>', 0);
    return (shape.paged ? query.where('role_id', '>', args.after as Expression<number>) : query).orderBy('role_id');
  },
);

describe('a statement compiled once per shape', () => {
  it("binds each call's arguments in their places, keeps the builder's constants, and compiles one text per shape", async () => {
    const waddle = await freshWaddle();
    await waddle.db
      .insertInto('roles')
      .values([1, 2, 3].map((id) => ({ id, name: `r${id}` })))
      .execute();
    await waddle.db
      .insertInto('member_roles')
      .values([1, 2, 3].map((role_id) => ({ user_id: 5, role_id, granted_by: 1 })))
      .execute();
    const first = rolesOf.bind(waddle.db, { userId: 5, after: null });
    expect(first.parameters).toEqual([5, 0]);
    expect((await waddle.db.executeQuery(first)).rows).toEqual([{ role_id: 1 }, { role_id: 2 }, { role_id: 3 }]);
    const paged = rolesOf.bind(waddle.db, { userId: 5, after: 1 });
    expect(paged.parameters).toEqual([5, 0, 1]);
    expect((await waddle.db.executeQuery(paged)).rows).toEqual([{ role_id: 2 }, { role_id: 3 }]);
    expect((await waddle.db.executeQuery(rolesOf.bind(waddle.db, { userId: 6, after: null }))).rows).toEqual([]);
    expect(rolesOf.shapesCompiled()).toBe(2);
    for (const args of [
      { userId: 5, after: null },
      { userId: 9, after: 2 },
    ]) {
      const fresh = rolesOf.build(waddle.db, args).compile();
      expect(rolesOf.bind(waddle.db, args)).toMatchObject({ sql: fresh.sql, parameters: fresh.parameters });
    }
  });
});
