import { env } from 'cloudflare:test';
import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidQueryError } from '../src/invalid-query-error.ts';
import { getMentionInbox, mentionInbox, mentionInboxArguments } from '../src/mentions/mention-inbox.ts';
import type { MentionAuthority } from '../src/mentions/mention-statement.ts';
import { MAX_MENTION_TARGETS, writtenMentions } from '../src/mentions/mention-syntax.ts';
import { getUnreadMentionCounts, unreadMentionCounts, unreadMentionCountsArguments } from '../src/mentions/unread-mention-counts.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { postMessage, postMessages } from '../src/messages/post-message.ts';
import { markRead } from '../src/unreads/mark-read.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
const NOW = testClock().now();

/** Users 1 to 5 are members (9 is not); role 7 is mentionable, held by 2 and 3; role 8 is not, held by 4. */
const MEMBERS = [1, 2, 3, 4, 5];
const asMember = (content: string): MentionAuthority => ({
  memberIds: writtenMentions(content).userIds.filter((id) => MEMBERS.includes(id)),
  mayMentionEveryone: false,
});
const asPrivileged = (content: string): MentionAuthority => ({ ...asMember(content), mayMentionEveryone: true });

beforeEach(async () => {
  waddle = await freshWaddle();
  await waddle.db
    .insertInto('roles')
    .values([
      { id: 7, name: 'crew', is_mentionable: 1 },
      { id: 8, name: 'admins', is_mentionable: 0 },
    ])
    .execute();
  await waddle.db
    .insertInto('member_roles')
    .values([
      { user_id: 2, role_id: 7, granted_by: 1 },
      { user_id: 3, role_id: 7, granted_by: 1 },
      { user_id: 4, role_id: 8, granted_by: 1 },
    ])
    .execute();
});

const post = (content: string, options: { authority?: typeof asMember; author?: number; channel?: number; thread?: number | null } = {}) =>
  postMessage(waddle, {
    channelId: options.channel ?? 1,
    threadId: options.thread ?? null,
    authorId: options.author ?? 1,
    content,
    createdAt: NOW,
    mentionAuthority: (options.authority ?? asMember)(content),
  });

const stored = async () =>
  (
    await waddle.db
      .selectFrom('message_mentions')
      .select(['message_id', 'kind', 'target_id'])
      .orderBy('message_id')
      .orderBy('kind')
      .orderBy('target_id')
      .execute()
  ).map((row) => `${row.message_id} ${row.kind} ${row.target_id}`);

const mentions = async (userId: number, channelId = 1) => {
  const [counts] = await getUnreadMentionCounts(waddle, { userId, channelIds: [channelId] });
  return counts!.mentionCount;
};

describe('the mention syntax', () => {
  it('reads users, roles, everyone and here, each once, and nothing in code or inside words', () => {
    expect(writtenMentions('hi <@42> <@&7> and <@42> again, @everyone @here')).toEqual({
      userIds: [42],
      roleIds: [7],
      everyone: true,
      here: true,
    });
    expect(writtenMentions('`<@1>` ```\n<@2> @everyone\n``` <@0> <@007> <@ 3> <@!4> <@&> me@here.org @heresy @everyones')).toEqual({
      userIds: [],
      roleIds: [],
      everyone: false,
      here: false,
    });
    expect(writtenMentions('(@here) @everyone!')).toMatchObject({ everyone: true, here: true });
  });

  it(`refuses more than ${MAX_MENTION_TARGETS} distinct users and roles, and the post writes nothing`, async () => {
    const crowd = Array.from({ length: MAX_MENTION_TARGETS + 1 }, (_, i) => `<@${i + 1}>`).join(' ');
    expect(() => writtenMentions(crowd)).toThrow(InvalidQueryError);
    await expect(postMessage(waddle, { channelId: 1, authorId: 1, content: crowd, createdAt: NOW })).rejects.toThrow(/mentions at most 50/);
    expect(await waddle.db.selectFrom('messages').select('id').execute()).toEqual([]);
  });
});

describe('mentions stored with the message', () => {
  it('records members and roles, not unknown members, missing roles or the default role', async () => {
    const { id } = await post('hi <@2>, <@9>, <@&7>, <@&99>, <@&0>');
    expect(await stored()).toEqual([`${id} role 7`, `${id} user 2`]);
  });

  it('needs MENTION_EVERYONE for @everyone, @here and a role that is not mentionable', async () => {
    const plain = await post('@everyone @here <@&8>');
    expect(await stored()).toEqual([]);
    const allowed = await post('@everyone @here <@&8>', { authority: asPrivileged });
    expect(await stored()).toEqual([`${allowed.id} everyone 0`, `${allowed.id} here 0`, `${allowed.id} role 8`]);
    expect(plain.id).toBeLessThan(allowed.id);
  });

  it('records each message of a batch against its own id', async () => {
    const posted = await postMessages(waddle, [
      { channelId: 1, authorId: 1, content: 'a <@2>', createdAt: NOW, mentionAuthority: { memberIds: [2], mayMentionEveryone: false } },
      { channelId: 1, authorId: 1, content: 'no one', createdAt: NOW },
      { channelId: 2, authorId: 1, content: 'b <@3>', createdAt: NOW, mentionAuthority: { memberIds: [3], mayMentionEveryone: false } },
    ]);
    expect(await stored()).toEqual([`${posted[0]!.id} user 2`, `${posted[2]!.id} user 3`]);
    const places = await waddle.db.selectFrom('message_mentions').select(['target_id', 'channel_id']).orderBy('target_id').execute();
    expect(places).toEqual([
      { target_id: 2, channel_id: 1 },
      { target_id: 3, channel_id: 2 },
    ]);
  });

  it('without an authority records only mentionable roles (what a caller that checks nothing gets)', async () => {
    await postMessage(waddle, { channelId: 1, authorId: 1, content: '<@2> <@&7> <@&8> @everyone', createdAt: NOW });
    expect((await stored()).map((row) => row.split(' ').slice(1).join(' '))).toEqual(['role 7']);
  });

  it('follows the content: an edit adds and removes mentions, a tombstone and a hard delete remove them', async () => {
    const { id } = await post('hello <@2>');
    expect(await mentions(2)).toBe(1);
    expect(
      await editMessage(waddle, { messageId: id, content: 'hello <@3>', editedAt: NOW, mentionAuthority: asMember('hello <@3>') }),
    ).toBe(true);
    expect([await mentions(2), await mentions(3)]).toEqual([0, 1]);
    // The same text again changes nothing and keeps the mention.
    expect(
      await editMessage(waddle, { messageId: id, content: 'hello <@3>', editedAt: NOW, mentionAuthority: asMember('hello <@3>') }),
    ).toBe(false);
    expect(await mentions(3)).toBe(1);
    expect(await editMessage(waddle, { messageId: id, content: 'hello', editedAt: NOW })).toBe(true);
    expect(await stored()).toEqual([]);

    await editMessage(waddle, { messageId: id, content: 'hey <@2> <@&7>', editedAt: NOW, mentionAuthority: asMember('<@2>') });
    expect(await stored()).toHaveLength(2);
    await deleteMessage(waddle, id);
    expect(await stored()).toEqual([]);
    expect(await editMessage(waddle, { messageId: id, content: '<@2>', editedAt: NOW, mentionAuthority: asMember('<@2>') })).toBe(false);
    expect(await stored()).toEqual([]);

    const second = await post('again <@2>');
    await waddle.db.deleteFrom('messages').where('id', '=', second.id).execute();
    expect(await stored()).toEqual([]);
  });

  it('flags the rows of a message with more than one mention, whichever write adds or removes them (migration 0029)', async () => {
    const flags = async () =>
      (
        await waddle.db
          .selectFrom('message_mentions')
          .select(['message_id', 'kind', 'target_id', 'shares_message'])
          .orderBy('message_id')
          .orderBy('kind')
          .orderBy('target_id')
          .execute()
      ).map((row) => `${row.message_id} ${row.kind} ${row.target_id} ${row.shares_message}`);
    const alone = await post('hello <@2>');
    const { id } = await post('hey <@2> <@&7>');
    expect(await flags()).toEqual([`${alone.id} user 2 0`, `${id} role 7 1`, `${id} user 2 1`]);
    // An edit that leaves one mention unflags it; one that adds a second flags both again.
    await editMessage(waddle, { messageId: id, content: 'hey <@&7>', editedAt: NOW, mentionAuthority: asMember('hey <@&7>') });
    expect(await flags()).toEqual([`${alone.id} user 2 0`, `${id} role 7 0`]);
    await editMessage(waddle, { messageId: id, content: '<@&7> <@3>', editedAt: NOW, mentionAuthority: asMember('<@&7> <@3>') });
    expect(await flags()).toEqual([`${alone.id} user 2 0`, `${id} role 7 1`, `${id} user 3 1`]);
    // A deleted role takes its rows along, and the one left is alone again.
    await waddle.db.deleteFrom('roles').where('id', '=', 7).execute();
    expect(await flags()).toEqual([`${alone.id} user 2 0`, `${id} user 3 0`]);
  });

  it('counts a message that reaches the reader in several ways once, up to the cap, beside messages that reach them once', async () => {
    // Five messages reach user 2 twice (by name and through role 7), three once: 8 mentions, 13 index entries.
    await postMessages(
      waddle,
      Array.from({ length: 5 }, () => ({
        channelId: 1,
        authorId: 1,
        content: '<@2> <@&7>',
        createdAt: NOW,
        mentionAuthority: asMember('<@2>'),
      })),
    );
    for (let i = 0; i < 3; i++) await post('<@2>');
    expect(await mentions(2)).toBe(8);
    // Role 7 alone reaches user 3: five messages, none twice.
    expect(await mentions(3)).toBe(5);
    const capped = async (userId: number, cap: number) => (await getUnreadMentionCounts(waddle, { userId, channelIds: [1], cap }))[0]!;
    expect(await capped(2, 7)).toMatchObject({ mentionCount: 7, capped: true });
    expect(await capped(2, 8)).toMatchObject({ mentionCount: 8, capped: false });
    expect(await capped(3, 4)).toMatchObject({ mentionCount: 4, capped: true });
    expect(await capped(3, 5)).toMatchObject({ mentionCount: 5, capped: false });
  });

  it('moves with its thread to another channel, and a deleted role takes its mentions along', async () => {
    await waddle.db.insertInto('threads').values({ id: 5, channel_id: 1, title: 'moving', created_by: 1 }).execute();
    await post('<@2> <@&7>', { thread: 5 });
    await waddle.db.updateTable('threads').set({ channel_id: 2 }).where('id', '=', 5).execute();
    expect(await waddle.db.selectFrom('message_mentions').select('channel_id').distinct().execute()).toEqual([{ channel_id: 2 }]);
    expect([await mentions(2, 1), await mentions(2, 2)]).toEqual([0, 1]);
    await waddle.db.deleteFrom('roles').where('id', '=', 7).execute();
    expect((await stored()).map((row) => row.split(' ')[1])).toEqual(['user']);
  });

  it("refuses a mention row whose place or author is not its live message's (the schema keeps them equal)", async () => {
    const { id } = await post('plain');
    await expect(
      env.DB.prepare("INSERT INTO message_mentions (message_id, kind, target_id, channel_id, author_id) VALUES (?, 'user', 2, 2, 1)")
        .bind(id)
        .run(),
    ).rejects.toThrow(/not the channel, thread and author of a live message/);
    await expect(
      env.DB.prepare("INSERT INTO message_mentions (message_id, kind, target_id, channel_id, author_id) VALUES (?, 'user', 2, 1, 3)")
        .bind(id)
        .run(),
    ).rejects.toThrow(/not the channel, thread and author of a live message/);
    await expect(
      env.DB.prepare("INSERT INTO message_mentions (message_id, kind, target_id, channel_id, author_id) VALUES (?, 'everyone', 5, 1, 1)")
        .bind(id)
        .run(),
    ).rejects.toThrow(/CHECK constraint failed/);
  });
});

describe('unread mention counts', () => {
  it('count by name, by a role held, and everyone; never the author; once per message; after the read marker', async () => {
    await post('<@2> and <@&7>');
    await post('@everyone', { authority: asPrivileged });
    await post('<@&8>', { authority: asPrivileged });
    await post('<@2> by themself', { author: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map((user) => mentions(user)))).toEqual([0, 2, 2, 2, 1]);

    const last = await post('<@3>');
    await markRead(waddle, { userId: 3, channelId: 1, messageId: last.id - 1, at: NOW });
    expect(await mentions(3)).toBe(1);
    await markRead(waddle, { userId: 3, channelId: 1, messageId: last.id, at: NOW });
    expect(await mentions(3)).toBe(0);
  });

  it('resolve roles when read: a member granted the role after the message counts it, one who lost it does not', async () => {
    await post('<@&7> standup');
    expect([await mentions(2), await mentions(5)]).toEqual([1, 0]);
    await waddle.db.insertInto('member_roles').values({ user_id: 5, role_id: 7, granted_by: 1 }).execute();
    await waddle.db.deleteFrom('member_roles').where('user_id', '=', 2).execute();
    expect([await mentions(2), await mentions(5)]).toEqual([0, 1]);
  });

  it('are capped, and one role mention writes one row however many hold the role', async () => {
    for (let first = 100; first < 300; first += 30) {
      await waddle.db
        .insertInto('member_roles')
        .values(Array.from({ length: 30 }, (_, i) => ({ user_id: first + i, role_id: 7, granted_by: 1 })))
        .execute();
    }
    await postMessages(
      waddle,
      Array.from({ length: 12 }, () => ({ channelId: 1, authorId: 1, content: '<@&7>', createdAt: NOW })),
    );
    expect(await stored()).toHaveLength(12);
    const [counts] = await getUnreadMentionCounts(waddle, { userId: 150, channelIds: [1], cap: 10 });
    expect(counts).toMatchObject({ mentionCount: 10, capped: true });
    await expect(getUnreadMentionCounts(waddle, { userId: 150, channelIds: [1], cap: 0 })).rejects.toThrow(InvalidQueryError);
  });

  it("seek one covering index from each of the viewer's targets and each channel's marker, never a message; stop each channel at cap + 1 distinct messages (query plan)", async () => {
    const plan = await explainQueryPlan(
      env.DB,
      unreadMentionCounts.build(waddle.db, unreadMentionCountsArguments(2, [1, 2], 100)).compile(),
    );
    const details = plan.map((step) => step.detail).join('\n');
    expect(details).toMatch(
      /SCAN vc\nCORRELATED SCALAR SUBQUERY \d+\nCO-ROUTINE walk\nMATERIALIZE viewer_targets\n(.*\n)*SCAN vt\nSEARCH mm USING COVERING INDEX message_mentions_by_target_in_channel \(kind=\? AND target_id=\? AND channel_id=\? AND message_id>\?\)/,
    );
    // One walk for the four ways a message reaches the viewer (the SQL text does not grow with them), and the same
    // walk again for distinct ids, run only when an entry of the first shares its message with another mention row.
    expect(details.match(/SEARCH mm USING COVERING INDEX message_mentions_by_target_in_channel/g)).toHaveLength(2);
    expect(details).toMatch(
      /SCAN walk\nCORRELATED SCALAR SUBQUERY \d+\nCO-ROUTINE reaching\n(.*\n)*SCAN vt\nSEARCH mm USING COVERING INDEX/,
    );
    expect(details).not.toMatch(/SCAN (mm|m|messages|message_mentions)\b|SEARCH m USING/);
    // The scans are of the channels asked for (materialized with their markers) and of the viewer's targets (their
    // roles, and three constant rows that are no scan); the sort is of the channels; the other B-tree deduplicates a
    // channel's counted mentions, at most cap + 1 of them, when it must.
    expect(new Set(planProblems(plan))).toEqual(
      new Set(['SCAN vc', 'SCAN vt', 'USE TEMP B-TREE FOR ORDER BY', 'USE TEMP B-TREE FOR DISTINCT']),
    );
  });

  it('is compiled once: the cached text, bound, is what a fresh build gives for any user, channels and cap', () => {
    for (const args of [
      unreadMentionCountsArguments(2, [1, 2], 100),
      unreadMentionCountsArguments(3, [1, 2, 3, 4, 5], 10),
      unreadMentionCountsArguments(150, [7], 1000),
    ]) {
      const fresh = unreadMentionCounts.build(waddle.db, args).compile();
      const bound = unreadMentionCounts.bind(waddle.db, args);
      expect(bound.sql).toBe(fresh.sql);
      expect(bound.parameters).toEqual(fresh.parameters);
    }
    expect(unreadMentionCounts.shapesCompiled()).toBe(1);
  });
});

describe('the mention inbox', () => {
  it('lists mentions across visible channels newest first, with how each reaches the user, paged by cursor', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await post(`ping ${i} <@2>`, { channel: 1 + (i % 2) })).id);
    const everyone = (await post('@everyone', { authority: asPrivileged, channel: 2 })).id;
    const role = (await post('<@&7> <@2>', { channel: 1 })).id;
    const roleOnly = (await post('<@&7>', { channel: 1 })).id;
    await post('<@2> in private', { channel: 3 });
    await post('<@3> not for 2', { channel: 1 });

    const first = await getMentionInbox(waddle, { userId: 2, visibleChannelIds: [1, 2], limit: 4 });
    expect(first.mentions.map((m) => [m.messageId, m.mentionedAs])).toEqual([
      [roleOnly, 'role'],
      [role, 'user'],
      [everyone, 'everyone'],
      [ids[4], 'user'],
    ]);
    expect(first.mentions[3]).toMatchObject({ channelId: 1, authorId: 1, content: 'ping 4 <@2>', createdAt: NOW, threadId: null });
    const second = await getMentionInbox(waddle, { userId: 2, visibleChannelIds: [1, 2], limit: 4, cursor: first.olderCursor! });
    expect(second.mentions.map((m) => m.messageId)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(second.olderCursor).toBeNull();

    await deleteMessage(waddle, roleOnly);
    const after = await getMentionInbox(waddle, { userId: 2, visibleChannelIds: [1, 2] });
    expect(after.mentions.map((m) => m.messageId)).not.toContain(roleOnly);
    expect(after.mentions.every((m) => m.channelId !== 3)).toBe(true);
    expect((await getMentionInbox(waddle, { userId: 2, visibleChannelIds: [3] })).mentions).toHaveLength(1);
    await expect(getMentionInbox(waddle, { userId: 2, visibleChannelIds: [1], cursor: 'nope!' })).rejects.toThrow(InvalidQueryError);
  });

  it('is compiled once: the cached text, bound, is what a fresh build gives with and without a cursor, with the roles read or given', () => {
    for (const args of [
      mentionInboxArguments(2, [1, 2], 50),
      mentionInboxArguments(3, [1, 2, 3, 4, 5], 1, 1000),
      mentionInboxArguments(150, [7], 100, 12),
      mentionInboxArguments(2, [1, 2], 50, undefined, [4, 9]),
      mentionInboxArguments(3, [1], 10, 1000, []),
    ]) {
      const fresh = mentionInbox.build(waddle.db, args).compile();
      const bound = mentionInbox.bind(waddle.db, args);
      expect(bound.sql).toBe(fresh.sql);
      expect(bound.parameters).toEqual(fresh.parameters);
    }
    expect(mentionInbox.shapesCompiled()).toBe(2);
  });

  it('chooses the page from the mention indexes first (each way newest first, stopped at the page), then reads its messages by key (query plan)', async () => {
    const plan = await explainQueryPlan(env.DB, mentionInbox.build(waddle.db, mentionInboxArguments(2, [1, 2], 50, 1000)).compile());
    const details = plan.map((step) => step.detail).join('\n');
    // Each way walks the target index newest first (the roles' arm once per role), never `_in_channel` per channel.
    expect(
      details.match(/SEARCH mm USING COVERING INDEX message_mentions_by_target \(kind=\? AND target_id=\? AND message_id<\?\)/g),
    ).toHaveLength(4);
    expect(details).not.toContain('message_mentions_by_target_in_channel');
    // The sorts: the viewer's roles' mentions (one walk per role), and the grouping of at most 4 × (limit + 1) ids.
    expect(planProblems(plan)).toEqual(['USE TEMP B-TREE FOR ORDER BY', 'USE TEMP B-TREE FOR GROUP BY']);
    // Only then the messages of the page, by primary key, and no other look-up of a message or its mentions.
    expect(details).toMatch(/USE TEMP B-TREE FOR GROUP BY\nSCAN page\nSEARCH m USING INTEGER PRIMARY KEY \(rowid=\?\)$/);
    expect(details.match(/SEARCH (m|mm|x) /g)).toHaveLength(5);
  });
});

describe('channel visibility', () => {
  it('counts only the channels asked for: a channel the user cannot see gives nothing away', async () => {
    await post('<@2> secret', { channel: 3 });
    expect(await getUnreadMentionCounts(waddle, { userId: 2, channelIds: [1, 2] })).toEqual([
      { channelId: 1, lastReadMessageId: 0, mentionCount: 0, capped: false },
      { channelId: 2, lastReadMessageId: 0, mentionCount: 0, capped: false },
    ]);
    expect((await getMentionInbox(waddle, { userId: 2, visibleChannelIds: [1, 2] })).mentions).toEqual([]);
    expect(await getUnreadMentionCounts(waddle, { userId: 2, channelIds: [] })).toEqual([]);
  });
});
