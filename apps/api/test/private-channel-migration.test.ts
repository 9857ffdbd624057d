import { env, reset } from 'cloudflare:test';
import { centralMigrations } from '@waddle/central-schema/migrations';
import type { D1DatabaseLike } from '@waddle/d1/database';
import type { Migration } from '@waddle/migrator/migration';
import { Migrator } from '@waddle/migrator/migrator';
import type { ChannelRow } from '@waddle/queries/channels/channel-row';
import { postMessage } from '@waddle/queries/messages/post-message';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it, vi } from 'vitest';
import { channelJson } from '../src/routes/channel-json.ts';
import { call } from './fixture.ts';
import { TEST_WADDLE_BINDINGS } from './test-config.ts';
import { registeredWaddles } from './registered-waddles.ts';

/** The bits of today's rule, as roles stored them before 0023. */
const VIEW_CHANNELS = 1;
const VIEW_PRIVATE_CHANNELS = 1024;
const ADMINISTRATOR = 2048;

const BEFORE_OVERWRITES = waddleMigrations.findIndex((m) => m.name === '0023_create_channel_overwrites');
const OWNER = 1;

/** Roles 10 to 14 and who holds which: every way of holding the two bits today's rule needs. */
const ROLES: Record<number, number> = {
  10: VIEW_CHANNELS | VIEW_PRIVATE_CHANNELS,
  11: VIEW_PRIVATE_CHANNELS,
  12: VIEW_CHANNELS,
  13: ADMINISTRATOR,
  14: 2,
};
const HOLDERS: Record<number, readonly number[]> = { 11: [10], 12: [11], 13: [12], 14: [11, 12], 15: [13], 16: [], 17: [14], 18: [10, 14] };
const MEMBERS = [OWNER, ...Object.keys(HOLDERS).map(Number)];

async function migrate(database: D1DatabaseLike, migrations: readonly Migration[]): Promise<void> {
  const { error } = await new Migrator({ database, migrations }).migrateToLatest();
  if (error) throw error;
}

/** A platform whose private waddle is at the schema before 0023: channels 1 (public), 2 and 3 (private, 3 archived), a message in each. */
async function platformBeforeOverwrites(everyonePermissions: number): Promise<void> {
  await reset();
  await migrate(env.CENTRAL_DB, centralMigrations);
  await migrate(env.WADDLE_PRIVATE, waddleMigrations.slice(0, BEFORE_OVERWRITES));
  const central = env.CENTRAL_DB;
  await central.batch([
    ...MEMBERS.map((id) => central.prepare("INSERT INTO users (id, username) VALUES (?, 'user-' || ?)").bind(id, id)),
    ...registeredWaddles(central, [{ id: 1, name: 'penguins', isPublic: false, binding: 'WADDLE_PRIVATE', ownerId: OWNER }]),
    ...MEMBERS.map((id) => central.prepare('INSERT INTO waddle_members (waddle_id, user_id, joined_at) VALUES (1, ?, 1000)').bind(id)),
  ]);
  const waddle = env.WADDLE_PRIVATE;
  await waddle.batch([
    waddle.prepare('UPDATE roles SET permissions = ? WHERE is_default = 1').bind(everyonePermissions),
    waddle.prepare(
      "INSERT INTO channels (id, name, is_private, is_archived, created_by) VALUES (1, 'open', 0, 0, 1), (2, 'staff', 1, 0, 1), (3, 'vault', 1, 1, 1)",
    ),
    ...Object.entries(ROLES).map(([id, permissions]) =>
      waddle
        .prepare("INSERT INTO roles (id, name, permissions, position) VALUES (?, 'role ' || ?, ?, 1)")
        .bind(Number(id), id, permissions),
    ),
    ...Object.entries(HOLDERS).flatMap(([user, roles]) =>
      roles.map((role) =>
        waddle.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (?, ?, 1)').bind(Number(user), role),
      ),
    ),
  ]);
  // Through the writer, as the API posts them (the search index included): the messages table is the same on both sides of 0023.
  for (const channelId of [1, 2, 3])
    await postMessage(openWaddleDatabase(waddle), { channelId, authorId: OWNER, content: `penguin news ${channelId}`, createdAt: 5000 });
}

/** What the API answered before 0023 for each member, from the rows: today's rule (`canSee`) over today's permissions. */
async function answersBeforeMigration(): Promise<Map<number, { channels: unknown[]; visible: number[] }>> {
  const waddle = env.WADDLE_PRIVATE;
  const { results: channels } = await waddle
    .prepare('SELECT * FROM channels ORDER BY position, id')
    .all<ChannelRow & { is_private: 0 | 1 }>();
  const { results: roles } = await waddle
    .prepare('SELECT id, permissions, is_default FROM roles')
    .all<{ id: number; permissions: number; is_default: number }>();
  const everyone = roles.find((role) => role.is_default === 1)!.permissions;
  const answers = new Map<number, { channels: unknown[]; visible: number[] }>();
  for (const user of MEMBERS) {
    const granted = (HOLDERS[user] ?? []).reduce((bits, id) => bits | roles.find((role) => role.id === id)!.permissions, everyone);
    const all = user === OWNER || (granted & ADMINISTRATOR) !== 0;
    const canSee = (channel: { is_private: number }) =>
      all || ((granted & VIEW_CHANNELS) !== 0 && (channel.is_private === 0 || (granted & VIEW_PRIVATE_CHANNELS) !== 0));
    const seen = channels.filter(canSee);
    answers.set(user, {
      channels: seen.map(({ is_private, ...channel }) => channelJson(channel, is_private === 1)),
      visible: seen.map((channel) => channel.id).sort(),
    });
  }
  return answers;
}

/** What the API answers now, for one member: the channel list, each channel's page or 404, search and unreads. */
async function answersNow(user: number) {
  const unknown = await call(user, 'GET', '/v1/waddles/1/channels/999999/messages');
  const pages: Record<number, unknown> = {};
  for (const channel of [1, 2, 3]) {
    const page = await call(user, 'GET', `/v1/waddles/1/channels/${channel}/messages`);
    pages[channel] =
      page.status === 200
        ? page.body.messages.map((m: { content: string }) => m.content)
        : { status: page.status, sameAsUnknown: JSON.stringify(page.body) === JSON.stringify(unknown.body) };
  }
  return {
    channels: (await call(user, 'GET', '/v1/waddles/1/channels')).body.channels,
    pages,
    searched: (await call(user, 'GET', '/v1/waddles/1/search?q=penguin')).body.hits
      .map((hit: { channelId: number }) => hit.channelId)
      .sort(),
    unreads: (await call(user, 'GET', '/v1/waddles/1/unreads')).body.channels.map((c: { channelId: number }) => c.channelId).sort(),
  };
}

// Three databases migrated and nine members asked nine questions each.
vi.setConfig({ testTimeout: 120_000 });

describe('a private channel before and after 0023', () => {
  it.each([
    ['@everyone views channels (the default)', 771, true, [OWNER, 11, 12, 14, 15, 18]],
    ['@everyone lacks VIEW_CHANNELS: members view through their roles only', 0, true, [OWNER, 11, 14, 15, 18]],
    [
      '@everyone held VIEW_PRIVATE_CHANNELS: the channel is ordinary after it, and answers isPrivate false',
      771 | VIEW_PRIVATE_CHANNELS,
      false,
      MEMBERS,
    ],
  ] as const)('answers identically for every member when %s', async (_, everyone, stillPrivate, seers) => {
    await platformBeforeOverwrites(everyone);
    const before = await answersBeforeMigration();
    await migrate(env.WADDLE_PRIVATE, waddleMigrations);
    for (const user of MEMBERS) {
      const expected = before.get(user)!;
      const expectedChannels = expected.channels.map((channel) => ({
        ...(channel as object),
        isPrivate: (channel as { isPrivate: boolean }).isPrivate && stillPrivate,
      }));
      expect({ user, ...(await answersNow(user)) }).toEqual({
        user,
        channels: expectedChannels,
        pages: Object.fromEntries(
          [1, 2, 3].map((channel) => [
            channel,
            expected.visible.includes(channel) ? [`penguin news ${channel}`] : { status: 404, sameAsUnknown: true },
          ]),
        ),
        searched: expected.visible,
        unreads: expected.visible,
      });
    }
    // Who saw the private channels, as the rule says it by hand (the owner, an administrator, both bits however held).
    expect(MEMBERS.filter((user) => before.get(user)!.visible.includes(2))).toEqual(seers);
  });
});
