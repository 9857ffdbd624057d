import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { listChannelVisibility } from '../src/channels/channel-visibility.ts';
import { createChannel } from '../src/channels/create-channel.ts';
import { deleteChannelOverwrite } from '../src/channels/delete-channel-overwrite.ts';
import { findChannelOverwrite } from '../src/channels/find-channel-overwrite.ts';
import { listChannelOverwrites } from '../src/channels/list-channel-overwrites.ts';
import { overwritesReaching } from '../src/channels/overwrites-reaching.ts';
import { setChannelOverwrite } from '../src/channels/set-channel-overwrite.ts';
import { updateChannel } from '../src/channels/update-channel.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

const NOW = testClock().now();
let waddle: WaddleDatabase;

const fields = {
  type: 'text',
  description: null,
  category_id: null,
  position: 0,
  thread_mode: 'optional',
  slow_mode_seconds: 0,
  auto_archive_hours: 168,
  created_by: 7,
  created_at: NOW,
} as const;

const allOverwrites = () =>
  waddle.db
    .selectFrom('channel_overwrites')
    .select(['channel_id', 'target_kind', 'target_id', 'allow', 'deny'])
    .orderBy('channel_id')
    .orderBy('target_kind')
    .orderBy('target_id')
    .execute();

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db.insertInto('roles').values({ id: 5, name: 'mods', permissions: 4, position: 1 }).execute();
  await waddle.db.insertInto('member_roles').values({ user_id: 7, role_id: 5, granted_by: 1 }).execute();
});

describe('creating and changing channels with overwrites', () => {
  it('writes the first overwrites of a new channel in its batch, naming that channel', async () => {
    const staff = await createChannel(waddle, { ...fields, name: 'staff' }, [
      { target: { kind: 'role', id: 0 }, deny: 1 },
      { target: { kind: 'member', id: 7 }, allow: 1 },
    ]);
    const plain = await createChannel(waddle, { ...fields, name: 'plain' });
    const vault = await createChannel(waddle, { ...fields, name: 'vault' }, [{ target: { kind: 'role', id: 0 }, deny: 1 }]);
    expect([staff.id, plain.id, vault.id]).toEqual([4, 5, 6]);
    expect(await allOverwrites()).toEqual([
      { channel_id: 4, target_kind: 'member', target_id: 7, allow: 1, deny: 0 },
      { channel_id: 4, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
      { channel_id: 6, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
    ]);
  });

  it('refuses the whole batch when an overwrite names a role that does not exist: no channel is left', async () => {
    await expect(createChannel(waddle, { ...fields, name: 'ghost' }, [{ target: { kind: 'role', id: 99 }, deny: 1 }])).rejects.toThrow(
      /no such role/,
    );
    expect(await waddle.db.selectFrom('channels').select('id').execute()).toHaveLength(3);
  });

  it('moves bits between allow and deny, clears them, deletes an emptied overwrite, and writes nothing for an unknown channel', async () => {
    await setChannelOverwrite(waddle, 2, { kind: 'role', id: 0 }, { allow: 2, deny: 4 });
    const before = await waddle.db.selectFrom('channels').selectAll().where('id', '=', 2).executeTakeFirstOrThrow();
    expect(await updateChannel(waddle, 2, {}, [{ target: { kind: 'role', id: 0 }, deny: 1 | 2 }])).toEqual(before);
    expect(await allOverwrites()).toEqual([{ channel_id: 2, target_kind: 'role', target_id: 0, allow: 0, deny: 7 }]);
    await updateChannel(waddle, 2, { name: 'open' }, [{ target: { kind: 'role', id: 0 }, allow: 4, clear: 1 }]);
    expect(await allOverwrites()).toEqual([{ channel_id: 2, target_kind: 'role', target_id: 0, allow: 4, deny: 2 }]);
    await updateChannel(waddle, 2, {}, [{ target: { kind: 'role', id: 0 }, clear: 2 | 4 }]);
    expect(await allOverwrites()).toEqual([]);
    expect(await updateChannel(waddle, 99, {}, [{ target: { kind: 'role', id: 0 }, deny: 1 }])).toBeUndefined();
    expect(await allOverwrites()).toEqual([]);
  });
});

describe('reading and setting overwrites', () => {
  beforeEach(async () => {
    await waddle.db
      .insertInto('channel_overwrites')
      .values([
        { channel_id: 1, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
        { channel_id: 1, target_kind: 'role', target_id: 5, allow: 1, deny: 0 },
        { channel_id: 1, target_kind: 'member', target_id: 8, allow: 1, deny: 0 },
        { channel_id: 3, target_kind: 'member', target_id: 7, allow: 0, deny: 2 },
      ])
      .execute();
  });

  it('lists every channel with the overwrites that reach the viewer, and only those, in one statement', async () => {
    expect(await listChannelVisibility(waddle, 7)).toEqual([
      {
        id: 1,
        overwrites: expect.arrayContaining([
          { channel_id: 1, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
          { channel_id: 1, target_kind: 'role', target_id: 5, allow: 1, deny: 0 },
        ]),
      },
      { id: 2, overwrites: [] },
      { id: 3, overwrites: [{ channel_id: 3, target_kind: 'member', target_id: 7, allow: 0, deny: 2 }] },
    ]);
    expect((await listChannelVisibility(waddle, 7))[0]!.overwrites).toHaveLength(2);
    expect((await listChannelVisibility(waddle, 8)).map((c) => c.overwrites.map((o) => `${o.target_kind} ${o.target_id}`).sort())).toEqual([
      ['member 8', 'role 0'],
      [],
      [],
    ]);
    const plan = await explainQueryPlan(waddle.d1, overwritesReaching(waddle.db, 7).compile());
    expect(planProblems(plan)).toEqual([]);
    expect(plan.map((step) => step.detail).join('\n')).toContain('channel_overwrites_by_target');
  });

  it('lists, finds, replaces and deletes one target’s overwrite', async () => {
    expect((await listChannelOverwrites(waddle, 1)).map((o) => `${o.target_kind} ${o.target_id}`)).toEqual([
      'member 8',
      'role 0',
      'role 5',
    ]);
    expect(await findChannelOverwrite(waddle, 3, { kind: 'member', id: 7 })).toEqual({
      channel_id: 3,
      target_kind: 'member',
      target_id: 7,
      allow: 0,
      deny: 2,
    });
    expect(await setChannelOverwrite(waddle, 3, { kind: 'member', id: 7 }, { allow: 1, deny: 0 })).toMatchObject({ allow: 1, deny: 0 });
    await expect(setChannelOverwrite(waddle, 3, { kind: 'member', id: 7 }, { allow: 1, deny: 1 })).rejects.toThrow(
      /CHECK constraint failed/,
    );
    expect(await findChannelOverwrite(waddle, 3, { kind: 'member', id: 7 })).toMatchObject({ allow: 1, deny: 0 });
    expect(await deleteChannelOverwrite(waddle, 3, { kind: 'member', id: 7 })).toBe(true);
    expect(await deleteChannelOverwrite(waddle, 3, { kind: 'member', id: 7 })).toBe(false);
    expect(await findChannelOverwrite(waddle, 3, { kind: 'member', id: 7 })).toBeUndefined();
  });
});
