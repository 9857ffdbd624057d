import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { beforeEach, describe, expect, it } from 'vitest';
import { categoryExists } from '../src/categories/category-exists.ts';
import { createCategory } from '../src/categories/create-category.ts';
import { deleteCategory } from '../src/categories/delete-category.ts';
import { updateCategory } from '../src/categories/update-category.ts';
import { listCategoriesAndChannels } from '../src/channels/list-channels.ts';
import { updateChannel } from '../src/channels/update-channel.ts';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { postMessage } from '../src/messages/post-message.ts';
import { pinnedMessages, pinnedMessagesQuery } from '../src/messages/pinned-messages.ts';
import { setPinned } from '../src/messages/set-pinned.ts';
import { createThread } from '../src/threads/create-thread.ts';
import { updateThread } from '../src/threads/update-thread.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

const NOW = testClock().now();
let waddle: WaddleDatabase;

beforeEach(async () => {
  waddle = await freshWaddle();
});

describe('channels and categories', () => {
  it('changes only the given columns of a channel and answers undefined for an unknown one', async () => {
    const before = await waddle.db.selectFrom('channels').selectAll().where('id', '=', 2).executeTakeFirstOrThrow();
    const after = await updateChannel(waddle, 2, { name: 'renamed', is_archived: 1, description: undefined });
    expect(after).toEqual({ ...before, name: 'renamed', is_archived: 1 });
    expect(await updateChannel(waddle, 99, { is_archived: 1 })).toBeUndefined();
  });

  it('keeps the columns of a category that a change leaves null, and deletes it once', async () => {
    const category = await createCategory(waddle, { name: 'text', position: 2, collapsed_by_default: 0, created_at: NOW });
    expect(await categoryExists(waddle, category.id)).toBe(true);
    expect(await updateCategory(waddle, category.id, { collapsed_by_default: 1 })).toEqual({ ...category, collapsed_by_default: 1 });
    expect(await updateCategory(waddle, 999, { name: 'x' })).toBeUndefined();
    await updateChannel(waddle, 1, { category_id: category.id });
    const listed = await listCategoriesAndChannels(waddle, 7);
    expect([listed.categories.map((c) => c.id), listed.channels.map((c) => [c.id, c.category_id])]).toEqual([
      [category.id],
      [
        [1, category.id],
        [2, null],
        [3, null],
      ],
    ]);
    expect(await deleteCategory(waddle, category.id)).toBe(true);
    expect(await deleteCategory(waddle, category.id)).toBe(false);
    expect(await categoryExists(waddle, category.id)).toBe(false);
  });
});

describe('threads', () => {
  it('refuses a title taken in the channel whatever its case, with the message the API recognizes', async () => {
    const thread = await createThread(waddle, { channelId: 1, title: 'Topic', createdBy: 7, createdAt: NOW });
    await expect(createThread(waddle, { channelId: 1, title: 'topic', createdBy: 8, createdAt: NOW })).rejects.toThrow(
      /UNIQUE constraint failed: threads\./,
    );
    expect(await updateThread(waddle, thread.id, { is_locked: 1 })).toEqual({ ...thread, is_locked: 1 });
    expect(await updateThread(waddle, thread.id, { title: 'Renamed' })).toEqual({ ...thread, title: 'Renamed', is_locked: 1 });
  });
});

describe('pins', () => {
  it('lists pinned live messages newest first through the partial index, never pinning a tombstone', async () => {
    const first = await postMessage(waddle, { channelId: 1, authorId: 7, content: 'one', createdAt: NOW });
    const second = await postMessage(waddle, { channelId: 1, authorId: 7, content: 'two', createdAt: NOW + 1 });
    await setPinned(waddle, first.id, true);
    await setPinned(waddle, second.id, true);
    expect((await pinnedMessages(waddle, 1)).map((m) => [m.id, m.content])).toEqual([
      [second.id, 'two'],
      [first.id, 'one'],
    ]);
    await setPinned(waddle, first.id, false);
    await deleteMessage(waddle, second.id);
    await setPinned(waddle, second.id, true);
    expect(await pinnedMessages(waddle, 1)).toEqual([]);
    const plan = await explainQueryPlan(waddle.d1, pinnedMessagesQuery(waddle.db, 1).compile());
    expect(plan.map((step) => step.detail).join('\n')).toContain('USING INDEX messages_pinned');
    expect(planProblems(plan)).toEqual([]);
  });
});
