import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditEntryQuery } from '../src/audit/audit-entry.ts';
import { runBatch } from '@waddle/d1/run-batch';
import type { DirectoryDatabase } from '../src/directory-database.ts';
import { isMember } from '../src/members/is-member.ts';
import { joinWaddle } from '../src/members/join-waddle.ts';
import { listMembers } from '../src/members/list-members.ts';
import { removeMembershipQuery } from '../src/members/remove-membership.ts';
import { deleteArchiveChunks, expiredArchivesQuery, exportsWithExpiredArchives } from '../src/privacy/expired-export-archives.ts';
import { runningPrivacyJobsQuery } from '../src/privacy/running-privacy-jobs.ts';
import { activeUserExists } from '../src/users/active-user-exists.ts';
import { callerQuery } from '../src/users/caller-query.ts';
import { memberWaddles } from '../src/waddles/member-waddles.ts';
import { publicWaddles, publicWaddlesQuery } from '../src/waddles/public-waddles.ts';
import { parseLaterMessageShards, readLaterMessageShards } from '../src/waddles/later-message-shards.ts';
import { waddleForCallerQuery } from '../src/waddles/waddle-for-caller.ts';
import { freshDirectory } from './fresh-directory.ts';

const NOW = testClock().now();
let directory: DirectoryDatabase;

beforeEach(async () => {
  directory = await freshDirectory();
});

const audit = (action: string) =>
  auditEntryQuery(directory.db, {
    userId: 1,
    action,
    resourceType: 'waddle',
    resourceId: '10',
    metadata: '{"userId":2}',
    ipAddress: null,
    userAgent: null,
    createdAt: NOW,
  });

describe('the caller and their waddle', () => {
  it('reads the caller with a global ban in force, and the waddle with present and past membership, in one batch', async () => {
    await joinWaddle(directory, { waddleId: 11, userId: 2, joinedAt: NOW });
    await directory.db
      .insertInto('global_bans')
      .values({ user_id: 3, banned_by: 1, reason: 'spam', banned_at: NOW - 10, expires_at: NOW + 1 })
      .execute();
    const [users, waddles] = await runBatch(directory, [callerQuery(directory.db, 2, NOW), waddleForCallerQuery(directory.db, 2, 11)]);
    expect(users.results).toEqual([{ id: 2, username: 'user2', deleted_at: null, banned: 0 }]);
    expect(waddles.results[0]).toMatchObject({
      id: 11,
      d1_database_id: 'db-11',
      binding: 'WADDLE_11',
      slice: null,
      is_member: 1,
      was_member: 1,
    });
    expect((await callerQuery(directory.db, 3, NOW).executeTakeFirst())?.banned).toBe(1);
    expect((await callerQuery(directory.db, 3, NOW + 1).executeTakeFirst())?.banned).toBe(0);

    // A leave keeps the past membership.
    await removeMembershipQuery(directory.db, 11, 2).execute();
    expect(await waddleForCallerQuery(directory.db, 2, 11).executeTakeFirst()).toMatchObject({ is_member: 0, was_member: 1 });
    expect(await waddleForCallerQuery(directory.db, 3, 11).executeTakeFirst()).toMatchObject({ is_member: 0, was_member: 0 });
    expect(await waddleForCallerQuery(directory.db, 3, 99).executeTakeFirst()).toBeUndefined();
  });

  it("places the waddle's database from its directory row, not from the registry's copy of its D1 id", async () => {
    await directory.db
      .updateTable('databases')
      .set({ slice: 'slice-0001', binding: 'DB_3' })
      .where('d1_database_id', '=', 'db-11')
      .execute();
    // The registry's own D1 id, were something to write it behind the directory's back, is not read.
    await directory.db.updateTable('waddles').set({ d1_database_id: 'stale-db' }).where('id', '=', 11).execute();
    expect(await waddleForCallerQuery(directory.db, 1, 11).executeTakeFirst()).toMatchObject({
      d1_database_id: 'db-11',
      binding: 'DB_3',
      slice: 'slice-0001',
    });
  });

  it('tells an erased user from an active one', async () => {
    await directory.db.updateTable('users').set({ deleted_at: NOW }).where('id', '=', 3).execute();
    expect([await activeUserExists(directory, 2), await activeUserExists(directory, 3), await activeUserExists(directory, 99)]).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe('memberships', () => {
  it('joins once (the first join time stays) and lists members and waddles newest first, after a position', async () => {
    expect(await joinWaddle(directory, { waddleId: 10, userId: 2, joinedAt: NOW })).toBe(NOW);
    expect(await joinWaddle(directory, { waddleId: 10, userId: 2, joinedAt: NOW + 5 })).toBe(NOW);
    await joinWaddle(directory, { waddleId: 10, userId: 3, joinedAt: NOW });
    await joinWaddle(directory, { waddleId: 10, userId: 1, joinedAt: NOW + 1 });
    await joinWaddle(directory, { waddleId: 11, userId: 2, joinedAt: NOW + 2 });
    expect((await listMembers(directory, 10, { limit: 10 })).map((m) => m.user_id)).toEqual([1, 2, 3]);
    expect((await listMembers(directory, 10, { limit: 10, after: { key: NOW, id: 2 } })).map((m) => m.user_id)).toEqual([3]);
    expect((await memberWaddles(directory, 2, { limit: 1 })).map((w) => [w.id, w.joined_at])).toEqual([[11, NOW + 2]]);
    expect((await memberWaddles(directory, 2, { limit: 5, after: { key: NOW + 2, id: 11 } })).map((w) => w.id)).toEqual([10]);
    expect(await isMember(directory, 10, 3)).toBe(true);
  });

  it('removes a membership and records the audit entry atomically: neither when the batch fails', async () => {
    await joinWaddle(directory, { waddleId: 10, userId: 2, joinedAt: NOW });
    // audit_log.action is NOT NULL: the entry fails, so the removal in the same batch must not happen.
    await expect(runBatch(directory, [removeMembershipQuery(directory.db, 10, 2), audit(null as unknown as string)])).rejects.toThrow();
    expect(await isMember(directory, 10, 2)).toBe(true);
    await runBatch(directory, [removeMembershipQuery(directory.db, 10, 2), audit('member.kick')]);
    expect(await isMember(directory, 10, 2)).toBe(false);
    expect(await directory.db.selectFrom('audit_log').select(['user_id', 'action', 'resource_id', 'metadata']).execute()).toEqual([
      { user_id: 1, action: 'member.kick', resource_id: '10', metadata: '{"userId":2}' },
    ]);
  });
});

describe('the public directory', () => {
  it('lists public waddles only, most members first, through the partial index', async () => {
    await directory.db.insertInto('databases').values({ role: 'waddle', d1_database_id: 'db-12', created_at: 0, updated_at: 0 }).execute();
    await directory.db
      .insertInto('waddles')
      .values({
        id: 12,
        name: 'busy',
        display_name: 'Busy',
        owner_id: 1,
        is_public: 1,
        d1_database_id: 'db-12',
        member_count: 5,
        primary_database_id: (eb) => eb.selectFrom('databases').select('id').where('d1_database_id', '=', 'db-12'),
      })
      .execute();
    expect((await publicWaddles(directory, { limit: 10 })).map((w) => w.id)).toEqual([12, 10]);
    expect((await publicWaddles(directory, { limit: 10, after: { key: 5, id: 12 } })).map((w) => w.id)).toEqual([10]);
    const plan = await explainQueryPlan(directory.d1, publicWaddlesQuery(directory.db, { limit: 10 }).compile());
    expect(plan.map((step) => step.detail).join('\n')).toContain('waddles_public_by_members');
    expect(planProblems(plan)).toEqual([]);
  });
});

describe('privacy jobs', () => {
  it('finds expired archives through their partial index, and running jobs with the plan they had', async () => {
    const expired = await explainQueryPlan(directory.d1, expiredArchivesQuery(directory.db, NOW, 40).compile());
    expect(expired.map((step) => step.detail).join('\n')).toContain('USING INDEX privacy_jobs_kept_archives');
    expect(planProblems(expired)).toEqual([]);
    // The running jobs' query plans as the statement the API sent before it moved here (the literal status kept):
    // with no statistics SQLite walks privacy_jobs in id order, whichever of the two is asked.
    const before = await explainQueryPlan(directory.d1, {
      sql: "SELECT id FROM privacy_jobs WHERE kind = ? AND status = 'running' ORDER BY id LIMIT ?",
      parameters: ['erasure', 2],
    });
    const running = await explainQueryPlan(directory.d1, runningPrivacyJobsQuery(directory.db, 'erasure', 2).compile());
    expect(running.map((step) => step.detail)).toEqual(before.map((step) => step.detail));
  });

  it("deletes an archive's oldest chunks a step at a time, then marks and audits the job once", async () => {
    await directory.db
      .insertInto('privacy_jobs')
      .values({
        id: 5,
        user_id: 2,
        kind: 'export',
        status: 'done',
        requested_by: 'user',
        created_at: NOW - 10,
        updated_at: NOW - 5,
        finished_at: NOW - 5,
      })
      .execute();
    await directory.db
      .insertInto('export_chunks')
      .values([1, 2, 3].map((seq) => ({ job_id: 5, seq, body: `chunk ${seq}` })))
      .execute();
    expect(await exportsWithExpiredArchives(directory, NOW, 40)).toEqual([5]);
    expect(await exportsWithExpiredArchives(directory, NOW - 6, 40)).toEqual([]);
    expect(await deleteArchiveChunks(directory, { jobId: 5, now: NOW, chunksPerDelete: 2 })).toEqual({
      deletedChunks: 2,
      archiveGone: false,
    });
    expect(await directory.db.selectFrom('export_chunks').select('seq').execute()).toEqual([{ seq: 3 }]);
    expect(await deleteArchiveChunks(directory, { jobId: 5, now: NOW, chunksPerDelete: 2 })).toEqual({
      deletedChunks: 1,
      archiveGone: true,
    });
    expect(await deleteArchiveChunks(directory, { jobId: 5, now: NOW, chunksPerDelete: 2 })).toEqual({
      deletedChunks: 0,
      archiveGone: false,
    });
    expect(await directory.db.selectFrom('privacy_jobs').select(['archive_deleted_at', 'updated_at']).execute()).toEqual([
      { archive_deleted_at: NOW, updated_at: NOW },
    ]);
    expect(
      await directory.db
        .selectFrom('audit_log')
        .select(['user_id', 'action', 'resource_type', 'resource_id', 'metadata', 'created_at'])
        .execute(),
    ).toEqual([
      {
        user_id: null,
        action: 'export.archive_expired',
        resource_type: 'privacy_job',
        resource_id: '5',
        metadata: '{"jobId":5}',
        created_at: NOW,
      },
    ]);
    expect(await exportsWithExpiredArchives(directory, NOW, 40)).toEqual([]);
  });
});

describe("a waddle's message shards with its registry row", () => {
  it('are [] for a waddle of one database, and the serving shards in id order, without an opening one or the binding name of a slice, in the same statement', async () => {
    const row = async (waddleId: number) =>
      (await waddleForCallerQuery(directory.db, 1, waddleId).executeTakeFirstOrThrow()).message_shards;
    expect(await row(11)).toBe('[]');
    expect(parseLaterMessageShards(await row(11))).toEqual([]);
    const shard = (d1: string, first: number, state: string, binding: string | null, slice: string | null) => ({
      role: 'message_shard' as const,
      d1_database_id: d1,
      shard_waddle_id: 11,
      first_message_id: first,
      message_state: state,
      binding,
      slice,
      created_at: NOW,
      updated_at: NOW,
    });
    await directory.db.updateTable('databases').set({ message_state: 'sealed' }).where('d1_database_id', '=', 'db-11').execute();
    // Registered out of order: the map comes back in id order whatever the rows' order.
    await directory.db
      .insertInto('databases')
      .values([
        shard('db-11-3', 2_000, 'active', 'SHARD_3', null),
        shard('db-11-2', 1_000, 'sealed', 'DB_11_2', 'slice-1'),
        shard('db-11-4', Number.MAX_SAFE_INTEGER, 'opening', null, null),
      ])
      .execute();
    const ids = await directory.db.selectFrom('databases').select(['id', 'd1_database_id']).execute();
    const idOf = (d1: string) => ids.find((r) => r.d1_database_id === d1)!.id;
    const expected = [
      { directoryId: idOf('db-11-2'), d1DatabaseId: 'db-11-2', d1Binding: null, slice: 'slice-1', firstMessageId: 1_000 },
      { directoryId: idOf('db-11-3'), d1DatabaseId: 'db-11-3', d1Binding: 'SHARD_3', slice: null, firstMessageId: 2_000 },
    ];
    expect(parseLaterMessageShards(await row(11))).toEqual(expected);
    expect(await readLaterMessageShards(directory.db, 11)).toEqual(expected);
    expect(parseLaterMessageShards(await row(10))).toEqual([]);
  });

  it('are read through the databases_message_shards index, without a full scan', async () => {
    const problems = planProblems(await explainQueryPlan(directory.d1, waddleForCallerQuery(directory.db, 1, 11).compile()));
    expect(problems).toEqual([]);
  });
});
