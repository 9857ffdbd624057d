import type { D1DatabaseLike } from '@waddle/d1/database';
import { postMessages } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase, runBatch } from '@waddle/queries/waddle-database';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
import { centralKysely } from '../central-kysely.ts';
import { DEMO_SENTENCES, DEMO_USERS, DEMO_WADDLES } from './demo-content.ts';

export interface DemoWaddle {
  readonly waddleId: number;
  readonly name: string;
  readonly d1DatabaseId: string;
}

/**
 * Seeds the local platform once: demo users in the central database, three waddles provisioned
 * like any other (their own databases, registered), each with members, roles, categories,
 * channels, threads, a few thousand messages in several languages across them, and reactions.
 * Running it again finds everything in place and changes nothing. The messages span the week
 * before `now`.
 */
export async function seedDemoPlatform(
  central: D1DatabaseLike,
  target: DatabaseTarget,
  log: (line: string) => void,
  now: number,
  messagesPerWaddle = 1_200,
): Promise<DemoWaddle[]> {
  const db = centralKysely(central);
  await db
    .insertInto('users')
    .values(
      DEMO_USERS.map((username) => ({
        username,
        display_name: username[0]!.toUpperCase() + username.slice(1),
        email: `${username}@example.com`,
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  const users = await db.selectFrom('users').select(['id', 'username']).orderBy('id').execute();
  const userIds = users.filter((u) => (DEMO_USERS as readonly string[]).includes(u.username)).map((u) => u.id);

  const waddles: DemoWaddle[] = [];
  for (const [index, demo] of DEMO_WADDLES.entries()) {
    const owner = userIds[index % userIds.length]!;
    let row = await db.selectFrom('waddles').select(['id', 'd1_database_id']).where('name', '=', demo.name).executeTakeFirst();
    if (!row) {
      const created = await createWaddle(central, target, { ...demo, ownerId: owner }, { clock: () => now });
      row = { id: created.waddleId, d1_database_id: created.d1DatabaseId };
      log(`provisioned waddle ${demo.name} (#${row.id}) in ${row.d1_database_id}`);
    }
    const waddleId = row.id;
    await db
      .insertInto('waddle_members')
      .values(userIds.map((userId) => ({ waddle_id: waddleId, user_id: userId })))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    waddles.push({ waddleId: row.id, name: demo.name, d1DatabaseId: row.d1_database_id });
  }

  const opened = await target.open(waddles.map((w) => w.d1DatabaseId));
  try {
    for (const waddle of waddles) {
      const database = opened.get(waddle.d1DatabaseId);
      const seeded = await openWaddleDatabase(database)
        .db.selectFrom('messages')
        .select((eb) => eb.lit(1).as('one'))
        .limit(1)
        .executeTakeFirst();
      if (seeded) continue;
      await seedWaddleContent(database, userIds, now, messagesPerWaddle);
      log(`seeded waddle ${waddle.name} with ${messagesPerWaddle} messages`);
    }
  } finally {
    await opened.dispose();
  }
  return waddles;
}

async function seedWaddleContent(database: D1DatabaseLike, userIds: readonly number[], now: number, messages: number): Promise<void> {
  const owner = userIds[0]!;
  const waddle = openWaddleDatabase(database);
  const { db } = waddle;
  const textChannel = { type: 'text', thread_mode: 'optional', slow_mode_seconds: 0, created_by: owner } as const;
  await runBatch(waddle, [
    db.insertInto('categories').values([
      { id: 1, name: 'Text channels', position: 0 },
      { id: 2, name: 'Voice', position: 1 },
    ]),
    db.insertInto('channels').values([
      { ...textChannel, id: 1, name: 'general', category_id: 1, position: 0 },
      { ...textChannel, id: 2, name: 'random', category_id: 1, position: 1 },
      {
        ...textChannel,
        id: 3,
        name: 'announcements',
        type: 'announcement',
        category_id: 1,
        position: 2,
        thread_mode: 'disabled',
        slow_mode_seconds: 30,
      },
      { ...textChannel, id: 4, name: 'moderators', category_id: 1, position: 3 },
      { ...textChannel, id: 5, name: 'lounge', type: 'voice', category_id: 2, position: 0, thread_mode: 'disabled' },
    ]),
    db.insertInto('threads').values([
      { id: 1, channel_id: 1, title: 'Feeding schedule', created_by: owner },
      { id: 2, channel_id: 1, title: 'Photos', created_by: owner },
      { id: 3, channel_id: 1, title: '北京之旅', created_by: owner },
      { id: 4, channel_id: 2, title: 'Off topic', created_by: owner },
      { id: 5, channel_id: 4, title: 'Reports', created_by: owner },
    ]),
    db.insertInto('roles').values([
      { id: 1, name: 'Moderator', color: '#2f80ed', permissions: 252, position: 2 },
      { id: 2, name: 'Regular', color: '#27ae60', permissions: 771, position: 1 },
    ]),
    // #moderators is private: @everyone may not view it (bit 0), moderators may.
    db.insertInto('channel_overwrites').values([
      { channel_id: 4, target_kind: 'role', target_id: 0, allow: 0, deny: 1 },
      { channel_id: 4, target_kind: 'role', target_id: 1, allow: 1, deny: 0 },
    ]),
    ...userIds.map((userId, i) => db.insertInto('member_roles').values({ user_id: userId, role_id: i < 2 ? 1 : 2, granted_by: owner })),
  ]);

  const start = now - 7 * 24 * 3600 * 1000;
  const places: [channel: number, thread: number | null][] = [
    [1, null],
    [1, 1],
    [1, 2],
    [1, 3],
    [2, null],
    [2, 4],
    [3, null],
    [4, 5],
  ];
  for (let first = 0; first < messages; first += 50) {
    await postMessages(
      waddle,
      Array.from({ length: Math.min(50, messages - first) }, (_, k) => {
        const i = first + k;
        const [channelId, threadId] = places[(i * 7) % places.length]!;
        return {
          channelId,
          threadId,
          authorId: userIds[(i * 5) % userIds.length]!,
          content: DEMO_SENTENCES[(i * 3) % DEMO_SENTENCES.length]!,
          createdAt: start + i * 480_000,
        };
      }),
    );
  }
  await runBatch(
    waddle,
    ['👍', '🐧', '🎉'].map((emoji, e) =>
      db
        .insertInto('reactions')
        .orIgnore()
        .columns(['message_id', 'emoji', 'user_id'])
        .expression(
          db
            .selectFrom('messages')
            .select((eb) => ['id', eb.val(emoji).as('emoji'), eb.val(userIds[e % userIds.length]!).as('user_id')])
            .where((eb) => eb(eb('id', '%', 7 + e), '=', 0)),
        ),
    ),
  );
}
