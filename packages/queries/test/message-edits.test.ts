import { testClock } from '@waddle/clock/test-clock';
import { explainQueryPlan, planProblems } from '@waddle/d1/query-plan';
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { deleteMessage } from '../src/messages/delete-message.ts';
import { editMessage } from '../src/messages/edit-message.ts';
import { listMessageEdits, messageEditPageQuery } from '../src/messages/list-message-edits.ts';
import { postMessage } from '../src/messages/post-message.ts';
import type { WaddleDatabase } from '../src/waddle-database.ts';
import { freshWaddle } from './fresh-waddle.ts';

let waddle: WaddleDatabase;
const NOW = testClock().now();

beforeEach(async () => {
  waddle = await freshWaddle();
});

describe('the edit history of a message', () => {
  it('lists every edit oldest first with the text it replaced, page by page, and nothing once the message is tombstoned', async () => {
    const { id } = await postMessage(waddle, { channelId: 1, authorId: 7, content: 'v0', createdAt: NOW });
    for (let version = 1; version <= 5; version++) {
      await editMessage(waddle, { messageId: id, content: `v${version}`, editedAt: NOW + version });
    }
    const first = await listMessageEdits(waddle, { messageId: id, limit: 3 });
    const rest = await listMessageEdits(waddle, { messageId: id, limit: 3, afterId: first.at(-1)!.id });
    expect([...first, ...rest].map((edit) => [edit.previous_content, edit.edited_at - NOW])).toEqual([
      ['v0', 1],
      ['v1', 2],
      ['v2', 3],
      ['v3', 4],
      ['v4', 5],
    ]);
    await deleteMessage(waddle, id);
    expect(await listMessageEdits(waddle, { messageId: id, limit: 50 })).toEqual([]);
  });

  it('reads a page through the index on (message_id, id)', async () => {
    const compiled = messageEditPageQuery(waddle.db, 1, 51, 10).compile();
    const plan = await explainQueryPlan(env.DB, compiled);
    expect(planProblems(plan)).toEqual([]);
    expect(plan.map((step) => step.detail).join('\n')).toContain('message_edits_by_message');
  });
});
