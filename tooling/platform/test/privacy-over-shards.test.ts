import { centralMigrations } from '@waddle/central-schema/migrations';
import { testClock } from '@waddle/clock/test-clock';
import type { D1DatabaseLike } from '@waddle/d1/database';
import { Migrator } from '@waddle/migrator/migrator';
import { indexedTerms, occurrences } from '@waddle/privacy/byte-scan';
import { exportArchive } from '@waddle/privacy/export-archive';
import { runJobToEnd } from '@waddle/privacy/run-job-to-end';
import { startErasure } from '@waddle/privacy/start-erasure';
import { startExport } from '@waddle/privacy/start-export';
import { createWaddle } from '@waddle/provisioning/create-waddle';
import type { DatabaseTarget, OpenDatabases } from '@waddle/provisioning/database-target';
import { openMessageShard } from '@waddle/provisioning/open-message-shard';
import { editMessage } from '@waddle/queries/messages/edit-message';
import { addReaction } from '@waddle/queries/reactions/add-reaction';
import { postShardedMessage } from '@waddle/queries/shards/post-sharded-message';
import { type ShardedWaddle, shardedWaddle, shardIndexOf, shardOf } from '@waddle/queries/shards/sharded-waddle';
import { openWaddleDatabase } from '@waddle/queries/waddle-database';
import { readMessageShardMap, servingShards } from '@waddle/registry/message-shard-map';
import { afterEach, describe, expect, it } from 'vitest';
import { localConnector } from '../src/local/local-connector.ts';
import { type LocalAttachmentBucket, openLocalAttachmentBucket } from '../src/local/local-attachment-bucket.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

const PRIMARY = 'local-waddle-colony';
const SHARDS = ['local-waddle-1-shard-2', 'local-waddle-1-shard-3'];
const DATABASES = [PRIMARY, ...SHARDS];
const FOUNDER = 7;
const SUBJECT = 2;
const THREAD = 1;
/** Threads the subject started: one only they write in, one the founder writes in only in the newest shard. */
const SOLO_THREAD = 2;
const SHARED_THREAD = 3;
const SOLO_TITLE = 'walrus ponderings';
const SHARED_TITLE = 'floe gossip';
/** What only the subject wrote in each database (current text, edited-away draft, file name): the erasure must leave none. */
const WORDS = ['glimmerwhorl', 'quillfeather', 'marmoset'];
const DRAFTS = WORDS.map((_, i) => `flibbertigibbet${i}`);
const FILES = WORDS.map((_, i) => `walrus-selfie-${i}.png`);
const objectKey = (userId: number, i: number) => `waddles/1/users/${userId}/7e1f0c4a-0000-4000-8000-00000000000${i}`;
const clock = testClock();

let opened: OpenDatabases | undefined;
let files: LocalAttachmentBucket | undefined;
afterEach(async () => {
  await files?.dispose();
  await opened?.dispose();
  opened = undefined;
  files = undefined;
});

/** The waddle as a poster sees it now: the serving shards of the directory's map. */
async function currentWaddle(central: D1DatabaseLike): Promise<ShardedWaddle> {
  const [primary, ...later] = servingShards((await readMessageShardMap(central, 1))!);
  return shardedWaddle(
    openWaddleDatabase(opened!.get(primary!.d1DatabaseId)),
    later.map((shard) => ({ firstMessageId: shard.firstMessageId, waddle: openWaddleDatabase(opened!.get(shard.d1DatabaseId)) })),
  );
}

/**
 * A waddle `colony` (id 1) grown through three shards on a fresh local target, with the subject's
 * data in each: a message in the thread mentioning the founder (edited from a draft, with an
 * attached file), a reaction on the founder's message there, and the founder's message with the
 * subject's reaction and the founder's own file beside it.
 */
async function colonyOfThreeShards() {
  const state = temporaryStateDirectory();
  const local = localTarget(state);
  const setup = await local.open([local.centralDatabaseId]);
  const central0 = setup.get(local.centralDatabaseId);
  const { error } = await new Migrator({ database: central0, migrations: centralMigrations }).migrateToLatest();
  if (error) throw error;
  await central0.prepare("INSERT INTO users (id, username, email) VALUES (7, 'founder', NULL), (2, 'walrus', 'walrus@example.com')").run();
  await setup.dispose();
  const ownCentral = await local.open([local.centralDatabaseId]);
  await createWaddle(
    ownCentral.get(local.centralDatabaseId),
    local,
    { name: 'colony', displayName: 'Colony', ownerId: FOUNDER },
    { clock: clock.now },
  );
  await ownCentral.dispose();

  opened = await local.open([local.centralDatabaseId, ...DATABASES]);
  const shared = opened;
  const central = shared.get(local.centralDatabaseId);
  await central.prepare('INSERT INTO waddle_members (waddle_id, user_id) VALUES (1, 2)').run();
  const primary = openWaddleDatabase(shared.get(PRIMARY));
  await primary.db.insertInto('channels').values({ id: 1, name: 'general', created_by: FOUNDER }).execute();
  await primary.db
    .insertInto('threads')
    .values([
      { id: THREAD, channel_id: 1, title: 'ice floes', created_by: FOUNDER },
      { id: SOLO_THREAD, channel_id: 1, title: SOLO_TITLE, created_by: SUBJECT },
      { id: SHARED_THREAD, channel_id: 1, title: SHARED_TITLE, created_by: SUBJECT },
    ])
    .execute();
  const target: DatabaseTarget = {
    ...local,
    createDatabase: async (name) => `local-${name}`,
    open: async () => ({ get: (id) => shared.get(id), dispose: async () => {} }),
  };
  files = await openLocalAttachmentBucket(state);
  const bucket = files.bucket as unknown as R2Bucket;

  const subjectMessages: number[] = [];
  for (const [i, word] of WORDS.entries()) {
    if (i > 0) await openMessageShard(central, target, 1, DATABASES[i - 1]!, { clock: clock.now, holder: 'test' });
    const sharded = await currentWaddle(central);
    expect(sharded.shards).toHaveLength(i + 1);
    const authority = { memberIds: [FOUNDER], mayMentionEveryone: false };
    const mine = await postShardedMessage(sharded, {
      channelId: 1,
      threadId: THREAD,
      authorId: SUBJECT,
      content: `first draft ${DRAFTS[i]}`,
      createdAt: clock.now(),
      mentionAuthority: authority,
    });
    const shard = shardOf(sharded, mine.id);
    await editMessage(shard, {
      messageId: mine.id,
      content: `${word} sings for <@${FOUNDER}>`,
      editedAt: clock.now(),
      mentionAuthority: authority,
    });
    const founders = await postShardedMessage(sharded, {
      channelId: 1,
      threadId: THREAD,
      authorId: FOUNDER,
      content: `founder here ${i}`,
      createdAt: clock.now(),
    });
    expect(shardOf(sharded, founders.id)).toBe(shard);
    await addReaction(shard, { messageId: founders.id, emoji: '🦭', userId: SUBJECT, createdAt: clock.now() });
    await addReaction(shard, { messageId: mine.id, emoji: '🐧', userId: FOUNDER, createdAt: clock.now() });
    await shard.db
      .insertInto('message_attachments')
      .values([
        { message_id: mine.id, filename: FILES[i]!, size_bytes: 9, mime_type: 'image/png', url: '/x', object_key: objectKey(SUBJECT, i) },
        {
          message_id: founders.id,
          filename: `founder-${i}.png`,
          size_bytes: 9,
          mime_type: 'image/png',
          url: '/y',
          object_key: objectKey(FOUNDER, i),
        },
      ])
      .execute();
    await bucket.put(objectKey(SUBJECT, i), `bytes of ${FILES[i]}`);
    await bucket.put(objectKey(FOUNDER, i), `bytes of founder-${i}.png`);
    subjectMessages.push(mine.id);
    await postShardedMessage(sharded, {
      channelId: 1,
      threadId: SOLO_THREAD,
      authorId: SUBJECT,
      content: `alone ${i}`,
      createdAt: clock.now(),
    });
    if (i === 0)
      await postShardedMessage(sharded, {
        channelId: 1,
        threadId: SHARED_THREAD,
        authorId: SUBJECT,
        content: 'who saw',
        createdAt: clock.now(),
      });
    if (i === 2)
      await postShardedMessage(sharded, {
        channelId: 1,
        threadId: SHARED_THREAD,
        authorId: FOUNDER,
        content: 'I did',
        createdAt: clock.now(),
      });
  }
  return { central, bucket, subjectMessages };
}

describe('export and erasure of a user over a waddle of three message shards', () => {
  it('export lists, and erasure removes, their messages, edits, reactions, files and mentions in every shard, in steps within the budget', async () => {
    const { central, bucket, subjectMessages } = await colonyOfThreeShards();
    const connectors = [localConnector(opened!)];
    // One of the subject's messages in each shard.
    const sharded = await currentWaddle(central);
    expect(subjectMessages.map((id) => shardIndexOf(sharded, id))).toEqual([0, 1, 2]);
    const stepQueries: number[] = [];
    const onStep = (step: { queries: number }) => void stepQueries.push(step.queries);

    const exported = await runJobToEnd(central, connectors, (await startExport(central, SUBJECT, 'user', clock.now())).id, {
      clock: clock.now,
      onStep,
    });
    expect(exported.status).toBe('done');
    let text = '';
    for await (const piece of exportArchive(central, exported)) text += piece;
    const records = (JSON.parse(text) as { records: { type: string; waddleId?: number; data: any }[] }).records.filter(
      (r) => r.waddleId === 1,
    );
    expect(records.filter((r) => r.type === 'message' && r.data.thread_id === SOLO_THREAD).map((r) => r.data.content)).toEqual(
      WORDS.map((_, i) => `alone ${i}`),
    );
    expect(records.filter((r) => r.type === 'message' && r.data.thread_id === THREAD).map((r) => r.data)).toEqual(
      WORDS.map((word, i) =>
        expect.objectContaining({
          id: subjectMessages[i],
          channel_name: 'general',
          thread_id: THREAD,
          content: `${word} sings for <@${FOUNDER}>`,
          edits: [expect.objectContaining({ previousContent: `first draft ${DRAFTS[i]}` })],
          attachments: [expect.objectContaining({ filename: FILES[i] })],
        }),
      ),
    );
    expect(records.filter((r) => r.type === 'reaction').map((r) => [r.data.message_id, r.data.emoji])).toEqual(
      subjectMessages.map((id) => [id + 1, '🦭']),
    );
    expect(records.filter((r) => r.type === 'mention').map((r) => [r.data.message_id, r.data.kind, r.data.target_id])).toEqual(
      subjectMessages.map((id) => [id, 'user', FOUNDER]),
    );

    const strings = [...WORDS, ...DRAFTS, ...FILES, SOLO_TITLE];
    const everyOccurrence = async () => {
      const found: string[] = [];
      for (const id of DATABASES) {
        found.push(...(await occurrences(opened!.get(id), id, strings)));
        found.push(...(await indexedTerms(opened!.get(id), id, WORDS)));
      }
      return found;
    };
    // The scan finds each string while it is there, in the database of its shard.
    const before = await everyOccurrence();
    for (const [i, id] of DATABASES.entries())
      for (const text of [WORDS[i]!, DRAFTS[i]!, FILES[i]!])
        expect(before.some((line) => line.startsWith(`${id} `) && line.endsWith(`: ${text}`))).toBe(true);

    const erased = await runJobToEnd(central, connectors, (await startErasure(central, SUBJECT, 'user', clock.now())).id, {
      clock: clock.now,
      onStep,
      attachments: files!.bucket,
    });
    expect(erased.status).toBe('done');
    expect(erased.parts.map((part) => [part.part, part.status, part.error])).toEqual([
      [0, 'done', null],
      [1, 'done', null],
    ]);
    expect(await everyOccurrence()).toEqual([]);
    for (const id of DATABASES) {
      const database = openWaddleDatabase(opened!.get(id));
      expect(
        await database.db
          .selectFrom('messages')
          .select(['user_id', 'content', 'is_deleted'])
          .where('thread_id', '=', THREAD)
          .orderBy('id')
          .execute(),
      ).toEqual([
        { user_id: SUBJECT, content: null, is_deleted: 1 },
        { user_id: FOUNDER, content: expect.stringMatching(/^founder here \d$/), is_deleted: 0 },
      ]);
      const left = await Promise.all([
        database.db.selectFrom('reactions').select('message_id').where('user_id', '=', SUBJECT).execute(),
        database.db.selectFrom('thread_follows').select('thread_id').where('user_id', '=', SUBJECT).execute(),
        database.db.selectFrom('message_mentions').select('message_id').where('author_id', '=', SUBJECT).execute(),
        database.db.selectFrom('attachment_object_deletions').select('object_key').where('user_id', '=', SUBJECT).execute(),
      ]);
      expect(left).toEqual([[], [], [], []]);
    }
    // The thread the founder wrote in (only in the newest shard) keeps its title; the subject's own is retitled.
    expect(
      await openWaddleDatabase(opened!.get(PRIMARY))
        .db.selectFrom('threads')
        .select(['id', 'title'])
        .where('id', 'in', [SOLO_THREAD, SHARED_THREAD])
        .orderBy('id')
        .execute(),
    ).toEqual([
      { id: SOLO_THREAD, title: `erased topic ${SOLO_THREAD}` },
      { id: SHARED_THREAD, title: SHARED_TITLE },
    ]);
    // Only the founder's files are left in the bucket.
    expect((await bucket.list()).objects.map((object) => object.key).sort()).toEqual(WORDS.map((_, i) => objectKey(FOUNDER, i)).sort());
    expect(Math.max(...stepQueries)).toBeLessThanOrEqual(300);
  });
});
