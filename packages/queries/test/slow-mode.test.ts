import { describe, expect, it } from 'vitest';
import { postMessage, SlowModeError } from '../src/messages/post-message.ts';
import { freshWaddle } from './fresh-waddle.ts';

describe('postMessage with slow mode', () => {
  it('refuses a second post inside the window, writes nothing for it, and accepts one after', async () => {
    const waddle = await freshWaddle();
    await waddle.db.updateTable('channels').set({ slow_mode_seconds: 30 }).where('id', '=', 1).execute();
    const post = (createdAt: number, authorId = 7) =>
      postMessage(waddle, { channelId: 1, authorId, content: `at ${createdAt}`, createdAt }, { enforceSlowMode: true });

    await post(1_000_000);
    await expect(post(1_029_999)).rejects.toBeInstanceOf(SlowModeError);
    await post(1_000_001, 8);
    await post(1_030_000);
    const rows = await waddle.db.selectFrom('messages').select(['user_id', 'created_at']).orderBy('id').execute();
    expect(rows).toEqual([
      { user_id: 7, created_at: 1_000_000 },
      { user_id: 8, created_at: 1_000_001 },
      { user_id: 7, created_at: 1_030_000 },
    ]);
    const indexed = await waddle.d1
      .prepare('SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH \'"at"\'')
      .first<{ n: number }>();
    expect(indexed?.n).toBe(3);
  });

  it('lets concurrent posts of one author through at most once per window', async () => {
    const waddle = await freshWaddle();
    await waddle.db.updateTable('channels').set({ slow_mode_seconds: 60 }).where('id', '=', 2).execute();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        postMessage(waddle, { channelId: 2, authorId: 9, content: `burst ${i}`, createdAt: 5_000_000 + i }, { enforceSlowMode: true }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof SlowModeError)).toBe(
      true,
    );
    expect(await waddle.db.selectFrom('messages').select('id').where('channel_id', '=', 2).execute()).toHaveLength(1);
  });
});
