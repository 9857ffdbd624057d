import { waddleObjectPrefix } from '@waddle/attachment-store/object-keys';
import { runBatch } from '@waddle/d1/run-batch';
import type { CentralDatabase } from '../central/central-database.ts';

/** What one counting pass did. */
export interface AttachmentUsageReport {
  /** The waddles whose count it finished, with their bytes and objects. */
  readonly counted: readonly { readonly waddleId: number; readonly bytes: number; readonly objects: number }[];
  /** R2 list calls made. */
  readonly listCalls: number;
  /** The waddle it stopped inside (0: at the end of a round, the next pass starts over). */
  readonly nextWaddleId: number;
}

export interface AttachmentUsageOptions {
  readonly now: number;
  /** R2 list calls this pass may make. */
  readonly maxListCalls: number;
  /** Objects per list call (R2 returns at most 1,000, its Workers API reference says); smaller in tests. */
  readonly listLimit?: number;
}

const WALK = 'attachment-usage';
/** Rows per `INSERT … ON CONFLICT` of usage: 4 parameters each, under D1's 100 bound parameters. */
const ROWS_PER_STATEMENT = 20;

/**
 * Counts the bytes and objects of each waddle's attachments in the bucket, apart from its
 * database's size: it lists each waddle's prefix (`waddles/{id}/`), in waddle id order, summing
 * object sizes, and stores a waddle's total (`attachment_usage`) once its listing ends. A pass
 * makes at most `maxListCalls` list calls and resumes where the last one stopped
 * (`attachment_usage_walk`: the waddle, R2's cursor inside it, the sums so far), so a waddle with
 * more objects than a pass lists is counted over several. After the last waddle a round ends and
 * the next pass starts over. Parts of multipart uploads not yet completed are no objects and are
 * not counted. Four central queries a pass at most, a statement per 20 waddles counted beside them.
 *
 * ```sql
 * select "waddle_id", "list_cursor", "bytes", "objects" from "attachment_usage_walk" where "name" = 'attachment-usage';
 * select "id" from "waddles" where "id" >= ? order by "id" limit ?;   -- the waddles this pass may reach
 * -- one batch:
 * insert into "attachment_usage" ("waddle_id", "bytes", "objects", "measured_at") values (?, ?, ?, ?), …
 *   on conflict ("waddle_id") do update set "bytes" = excluded."bytes", "objects" = excluded."objects", "measured_at" = excluded."measured_at";
 * insert into "attachment_usage_walk" (…) values ('attachment-usage', ?, ?, ?, ?, ?) on conflict ("name") do update set …;
 * ```
 *
 * @example
 * ```ts
 * await runAttachmentUsageTick(central, env.ATTACHMENTS, { now: Date.now(), maxListCalls: 20 });
 * ```
 */
export async function runAttachmentUsageTick(
  central: CentralDatabase,
  bucket: Pick<R2Bucket, 'list'>,
  options: AttachmentUsageOptions,
): Promise<AttachmentUsageReport> {
  const { db } = central;
  const walk = await db
    .selectFrom('attachment_usage_walk')
    .select(['waddle_id', 'list_cursor', 'bytes', 'objects'])
    .where('name', '=', WALK)
    .executeTakeFirst();
  let cursor = walk?.list_cursor ?? undefined;
  let bytes = walk?.bytes ?? 0;
  let objects = walk?.objects ?? 0;
  // A pass reaches at most one waddle per list call.
  const waddleIds = (
    await db
      .selectFrom('waddles')
      .select('id')
      .where('id', '>=', walk?.waddle_id ?? 0)
      .orderBy('id')
      .limit(options.maxListCalls + 1)
      .execute()
  ).map((row) => row.id);
  // The waddle the walk stopped inside is gone: its cursor and sums mean nothing for the next one.
  if (waddleIds[0] !== walk?.waddle_id) [cursor, bytes, objects] = [undefined, 0, 0];
  const counted: { waddleId: number; bytes: number; objects: number }[] = [];
  let listCalls = 0;
  let index = 0;
  while (index < waddleIds.length && listCalls < options.maxListCalls) {
    const waddleId = waddleIds[index]!;
    const page = await bucket.list({ prefix: waddleObjectPrefix(waddleId), cursor, limit: options.listLimit ?? 1000 });
    listCalls += 1;
    for (const object of page.objects) {
      bytes += object.size;
      objects += 1;
    }
    if (page.truncated) {
      cursor = page.cursor;
      continue;
    }
    counted.push({ waddleId, bytes, objects });
    [cursor, bytes, objects, index] = [undefined, 0, 0, index + 1];
  }
  // Past the last waddle of the directory: the round is over, the next pass starts from the first.
  const nextWaddleId = waddleIds[index] ?? 0;
  const stopped = nextWaddleId === 0 ? { list_cursor: null, bytes: 0, objects: 0 } : { list_cursor: cursor ?? null, bytes, objects };
  const usage = [];
  for (let i = 0; i < counted.length; i += ROWS_PER_STATEMENT) {
    usage.push(
      db
        .insertInto('attachment_usage')
        .values(
          counted
            .slice(i, i + ROWS_PER_STATEMENT)
            .map((row) => ({ waddle_id: row.waddleId, bytes: row.bytes, objects: row.objects, measured_at: options.now })),
        )
        .onConflict((conflict) =>
          conflict.column('waddle_id').doUpdateSet((eb) => ({
            bytes: eb.ref('excluded.bytes'),
            objects: eb.ref('excluded.objects'),
            measured_at: eb.ref('excluded.measured_at'),
          })),
        ),
    );
  }
  const position = { waddle_id: nextWaddleId, ...stopped, updated_at: options.now };
  await runBatch(central, [
    ...usage,
    db
      .insertInto('attachment_usage_walk')
      .values({ name: WALK, ...position })
      .onConflict((conflict) => conflict.column('name').doUpdateSet(position)),
  ]);
  return { counted, listCalls, nextWaddleId };
}
