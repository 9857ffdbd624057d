import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { channelPermissions, type Overwrite } from '../src/access/channel-permissions.ts';
import { ALL_PERMISSIONS, CHANNEL_PERMISSIONS, Permission as P } from '../src/access/permissions.ts';
import { call, CHANNEL, freshPlatform, MESSAGE, type Persona, USER, WADDLE } from './fixture.ts';

const w = `/v1/waddles/${WADDLE.private}`;
const general = `${w}/channels/${CHANNEL.general}`;
/** What `@everyone` starts with: view, send, react, start threads. */
const START = P.VIEW_CHANNELS | P.SEND_MESSAGES | P.ADD_REACTIONS | P.CREATE_THREADS;

/** Bits allowed and denied by one overwrite. */
type Bits = { readonly allow?: number; readonly deny?: number };

/**
 * One row of the table: who asks in #general, `@everyone`'s role permissions, the roles granted to
 * them (ids 10, 11, …) and a role they do not hold (id 20), the channel's overwrites, and what
 * they may do there as Discord's documentation says (Permissions: "Permission Overwrites", its
 * pseudocode `compute_overwrites`, "Permission Hierarchy" and "Implicit Permissions").
 */
interface Case {
  readonly who?: Persona;
  readonly everyoneRole?: number;
  readonly roles?: readonly number[];
  readonly overwrites: {
    readonly everyone?: Bits;
    /** By index into `roles`. */
    readonly roles?: readonly (Bits | undefined)[];
    readonly unheldRole?: Bits;
    readonly member?: Bits;
    readonly otherMember?: Bits;
  };
  readonly expected: number;
}

const CASES: Record<string, Case> = {
  'no overwrite: the base permissions apply': { overwrites: {}, expected: START },
  '@everyone overwrite: its deny takes a bit of the base away': {
    overwrites: { everyone: { deny: P.SEND_MESSAGES } },
    expected: START & ~P.SEND_MESSAGES,
  },
  '@everyone overwrite: its allow adds a bit the base lacks': {
    overwrites: { everyone: { allow: P.MANAGE_MESSAGES } },
    expected: START | P.MANAGE_MESSAGES,
  },
  "a role's allow beats the @everyone deny (role overwrites come after @everyone's)": {
    roles: [0],
    overwrites: { everyone: { deny: P.SEND_MESSAGES }, roles: [{ allow: P.SEND_MESSAGES }] },
    expected: START,
  },
  "a role's deny beats the @everyone allow": {
    roles: [0],
    overwrites: { everyone: { allow: P.MANAGE_MESSAGES }, roles: [{ deny: P.MANAGE_MESSAGES }] },
    expected: START,
  },
  "the roles' overwrites are one union, allow over deny, whatever the positions (the #coolstuff example)": {
    roles: [0, 0],
    overwrites: { roles: [{ deny: P.VIEW_CHANNELS }, { allow: P.VIEW_CHANNELS }] },
    expected: START,
  },
  "the member's deny beats their roles' allow": {
    roles: [0],
    overwrites: { roles: [{ allow: P.MANAGE_MESSAGES }], member: { deny: P.MANAGE_MESSAGES | P.ADD_REACTIONS } },
    expected: START & ~P.ADD_REACTIONS,
  },
  "the member's allow beats their roles' deny": {
    roles: [0],
    overwrites: { roles: [{ deny: P.SEND_MESSAGES | P.CREATE_THREADS }], member: { allow: P.SEND_MESSAGES } },
    expected: START & ~P.CREATE_THREADS,
  },
  "the member's allow opens a channel @everyone may not view": {
    overwrites: { everyone: { deny: P.VIEW_CHANNELS }, member: { allow: P.VIEW_CHANNELS } },
    expected: START,
  },
  'without VIEW_CHANNELS nothing else in the channel applies (implicit permissions)': {
    overwrites: { everyone: { deny: P.VIEW_CHANNELS }, member: { allow: P.SEND_MESSAGES | P.MANAGE_MESSAGES } },
    expected: 0,
  },
  "a role the member does not hold, and another member's overwrite, change nothing": {
    overwrites: { unheldRole: { deny: P.SEND_MESSAGES }, otherMember: { deny: START } },
    expected: START,
  },
  'each level in turn: @everyone allows, a role denies, the member allows again': {
    roles: [0],
    overwrites: {
      everyone: { allow: P.MANAGE_MESSAGES },
      roles: [{ deny: P.MANAGE_MESSAGES | P.ADD_REACTIONS }],
      member: { allow: P.MANAGE_MESSAGES },
    },
    expected: (START & ~P.ADD_REACTIONS) | P.MANAGE_MESSAGES,
  },
  'a base permission the member lacks everywhere, allowed to their role in this channel': {
    everyoneRole: START & ~P.SEND_MESSAGES,
    roles: [0],
    overwrites: { roles: [{ allow: P.SEND_MESSAGES }] },
    expected: START,
  },
  'ADMINISTRATOR: every permission, whatever the overwrites deny': {
    roles: [P.ADMINISTRATOR],
    overwrites: {
      everyone: { deny: CHANNEL_PERMISSIONS },
      roles: [{ deny: CHANNEL_PERMISSIONS }],
      member: { deny: CHANNEL_PERMISSIONS },
    },
    expected: ALL_PERMISSIONS,
  },
  'the owner: every permission, whatever the overwrites deny': {
    who: 'owner',
    overwrites: { everyone: { deny: CHANNEL_PERMISSIONS }, member: { deny: CHANNEL_PERMISSIONS } },
    expected: ALL_PERMISSIONS,
  },
};

/** Writes a case's roles and overwrites into the fixture's private waddle (#general is channel 1). */
async function arrange(entry: Case): Promise<void> {
  const d1 = env.WADDLE_PRIVATE;
  const userId = USER[entry.who ?? 'member'];
  const roles = entry.roles ?? [];
  const rows: [kind: string, id: number, bits: Bits][] = [];
  const { everyone, unheldRole, member, otherMember } = entry.overwrites;
  if (everyone) rows.push(['role', 0, everyone]);
  for (const [i, bits] of (entry.overwrites.roles ?? []).entries()) if (bits) rows.push(['role', 10 + i, bits]);
  if (unheldRole) rows.push(['role', 20, unheldRole]);
  if (member) rows.push(['member', userId, member]);
  if (otherMember) rows.push(['member', USER.moderator, otherMember]);
  await d1.batch([
    d1.prepare('UPDATE roles SET permissions = ? WHERE id = 0').bind(entry.everyoneRole ?? START),
    d1.prepare("INSERT INTO roles (id, name, permissions, position) VALUES (20, 'unheld', 0, 1)"),
    ...roles.flatMap((permissions, i) => [
      d1.prepare('INSERT INTO roles (id, name, permissions, position) VALUES (?, ?, ?, 1)').bind(10 + i, `role ${i}`, permissions),
      d1.prepare('INSERT INTO member_roles (user_id, role_id, granted_by) VALUES (?, ?, 1)').bind(userId, 10 + i),
    ]),
    ...rows.map(([kind, id, bits]) =>
      d1
        .prepare('INSERT INTO channel_overwrites (channel_id, target_kind, target_id, allow, deny) VALUES (?, ?, ?, ?, ?)')
        .bind(CHANNEL.general, kind, id, bits.allow ?? 0, bits.deny ?? 0),
    ),
  ]);
}

/** What the API lets the case's caller do in #general, one request per permission. */
async function outcomes(who: Persona) {
  const unknownChannel = await call(who, 'GET', `${w}/channels/999999/messages`);
  const page = await call(who, 'GET', `${general}/messages`);
  return {
    listed: (await call(who, 'GET', `${w}/channels`)).body.channels.some((c: { id: number }) => c.id === CHANNEL.general),
    read:
      page.status === 404
        ? { status: 404, sameAsUnknown: JSON.stringify(page.body) === JSON.stringify(unknownChannel.body) }
        : { status: page.status },
    send: (await call(who, 'POST', `${general}/messages`, { content: 'hello' })).status,
    react: (await call(who, 'PUT', `${w}/messages/${MESSAGE.byModerator}/reactions/${encodeURIComponent('🐧')}`)).status,
    thread: (await call(who, 'POST', `${general}/threads`, { title: 'a topic' })).status,
    pin: (await call(who, 'PUT', `${w}/messages/${MESSAGE.byMember}/pin`)).status,
  };
}

/** What `outcomes` must be for the expected permissions: 404 for everything in a channel one cannot view, 403 for a missing bit. */
function expectedOutcomes(permissions: number) {
  const view = (permissions & P.VIEW_CHANNELS) !== 0;
  const status = (bit: number, success: number) => (!view ? 404 : (permissions & bit) !== 0 ? success : 403);
  return {
    listed: view,
    read: view ? { status: 200 } : { status: 404, sameAsUnknown: true },
    send: status(P.SEND_MESSAGES, 201),
    react: status(P.ADD_REACTIONS, 204),
    thread: status(P.CREATE_THREADS, 201),
    pin: status(P.MANAGE_MESSAGES, 204),
  };
}

describe('effective channel permissions, from the cases of Discord’s documentation', () => {
  it.each(Object.entries(CASES))('%s: computed', (_, entry) => {
    const userId = USER[entry.who ?? 'member'];
    const { everyone, unheldRole, member, otherMember } = entry.overwrites;
    const overwrites: Overwrite[] = [];
    const push = (target_kind: 'role' | 'member', target_id: number, bits: Bits | undefined) => {
      if (bits) overwrites.push({ target_kind, target_id, allow: bits.allow ?? 0, deny: bits.deny ?? 0 });
    };
    push('role', 0, everyone);
    for (const [i, bits] of (entry.overwrites.roles ?? []).entries()) push('role', 10 + i, bits);
    push('role', 20, unheldRole);
    push('member', userId, member);
    push('member', USER.moderator, otherMember);
    const roles = entry.roles ?? [];
    const granted = roles.reduce((bits, role) => bits | role, entry.everyoneRole ?? START);
    const bypass = entry.who === 'owner' || (granted & P.ADMINISTRATOR) !== 0;
    const holder = { userId, grantedRoleIds: new Set(roles.map((_, i) => 10 + i)), basePermissions: bypass ? ALL_PERMISSIONS : granted };
    expect(channelPermissions(holder, overwrites)).toBe(entry.expected);
  });

  describe('through the API, on the local D1 of the test platform', () => {
    beforeEach(freshPlatform);

    it.each(Object.entries(CASES))('%s: answered', async (_, entry) => {
      await arrange(entry);
      expect(await outcomes(entry.who ?? 'member')).toEqual(expectedOutcomes(entry.expected));
    });
  });
});
