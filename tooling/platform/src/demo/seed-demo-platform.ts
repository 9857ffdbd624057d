import type { D1DatabaseLike } from '@waddle/d1/database';
import { postMessages } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget } from '@waddle/provisioning/database-target';
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
  await central.batch(
    DEMO_USERS.map((username) =>
      central
        .prepare('INSERT INTO users (username, display_name, email) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
        .bind(username, username[0]!.toUpperCase() + username.slice(1), `${username}@example.com`),
    ),
  );
  const { results: users } = await central.prepare('SELECT id, username FROM users ORDER BY id').all<{ id: number; username: string }>();
  const userIds = users.filter((u) => (DEMO_USERS as readonly string[]).includes(u.username)).map((u) => u.id);

  const waddles: DemoWaddle[] = [];
  for (const [index, demo] of DEMO_WADDLES.entries()) {
    const owner = userIds[index % userIds.length]!;
    let row = await central
      .prepare('SELECT id, d1_database_id FROM waddles WHERE name = ?')
      .bind(demo.name)
      .first<{ id: number; d1_database_id: string }>();
    if (!row) {
      const created = await createWaddle(central, target, { ...demo, ownerId: owner }, { clock: () => now });
      row = { id: created.waddleId, d1_database_id: created.d1DatabaseId };
      log(`provisioned waddle ${demo.name} (#${row.id}) in ${row.d1_database_id}`);
    }
    await central.batch(
      userIds.map((userId) =>
        central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING').bind(row.id, userId),
      ),
    );
    waddles.push({ waddleId: row.id, name: demo.name, d1DatabaseId: row.d1_database_id });
  }

  const opened = await target.open(waddles.map((w) => w.d1DatabaseId));
  try {
    for (const waddle of waddles) {
      const database = opened.get(waddle.d1DatabaseId);
      const seeded = await database.prepare('SELECT 1 FROM messages LIMIT 1').first();
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
  await database.batch([
    database.prepare("INSERT INTO categories (id, name, position) VALUES (1, 'Text channels', 0), (2, 'Voice', 1)"),
    database
      .prepare(
        `INSERT INTO channels (id, name, type, category_id, position, is_private, thread_mode, slow_mode_seconds, created_by) VALUES
        (1, 'general', 'text', 1, 0, 0, 'optional', 0, ?), (2, 'random', 'text', 1, 1, 0, 'optional', 0, ?),
        (3, 'announcements', 'announcement', 1, 2, 0, 'disabled', 30, ?), (4, 'moderators', 'text', 1, 3, 1, 'optional', 0, ?),
        (5, 'lounge', 'voice', 2, 0, 0, 'disabled', 0, ?)`,
      )
      .bind(owner, owner, owner, owner, owner),
    database
      .prepare(
        `INSERT INTO threads (id, channel_id, title, created_by) VALUES
        (1, 1, 'Feeding schedule', ?), (2, 1, 'Photos', ?), (3, 1, '北京之旅', ?), (4, 2, 'Off topic', ?), (5, 4, 'Reports', ?)`,
      )
      .bind(owner, owner, owner, owner, owner),
    database.prepare(
      "INSERT INTO roles (id, name, color, permissions, position) VALUES (1, 'Moderator', '#2f80ed', 1276, 2), (2, 'Regular', '#27ae60', 771, 1)",
    ),
    ...userIds.map((userId, i) =>
      database.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (?, ?, ?)').bind(userId, i < 2 ? 1 : 2, owner),
    ),
  ]);

  const waddle = openWaddleDatabase(database);
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
  await database.batch(
    ['👍', '🐧', '🎉'].map((emoji, e) =>
      database
        .prepare('INSERT OR IGNORE INTO reactions (message_id, emoji, user_id) SELECT id, ?, ? FROM messages WHERE id % ? = 0')
        .bind(emoji, userIds[e % userIds.length]!, 7 + e),
    ),
  );
}
