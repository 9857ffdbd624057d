import { migrateAll } from '@waddle/provisioning/migrate-all';
import { bindingTarget } from '@waddle/provisioning/binding-target';
import { httpSliceDispatcher } from '@waddle/slice-worker/http-slice-dispatcher';

interface FanOutRequest {
  readonly bindingOf: Record<string, string>;
  readonly centralDatabaseId: string;
  readonly concurrency: number;
  readonly dryRun: boolean;
  /** The local platform's dispatch namespace: databases in slices are migrated by their slices. */
  readonly sliceDispatchUrl?: string;
}

/**
 * Runs the migrate fan-out inside workerd over the D1 bindings Miniflare gave it (and, given
 * `sliceDispatchUrl`, the local platform's slices for the databases the directory places in
 * them), streaming newline-delimited JSON: `{ progress }` after each database, then `{ report }`.
 */
export default {
  async fetch(request: Request, env: Record<string, unknown>, context: ExecutionContext): Promise<Response> {
    const { bindingOf, centralDatabaseId, concurrency, dryRun, sliceDispatchUrl } = (await request.json()) as FanOutRequest;
    const sliceDispatcher = sliceDispatchUrl ? httpSliceDispatcher(sliceDispatchUrl) : undefined;
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    const send = (value: unknown) => writer.write(encoder.encode(`${JSON.stringify(value)}\n`));
    const run = (async () => {
      try {
        const report = await migrateAll({
          target: bindingTarget(env, bindingOf, centralDatabaseId, sliceDispatcher ? { sliceDispatcher } : {}),
          concurrency,
          dryRun,
          onProgress: (progress) => void send({ progress }),
          onWaiting: (holder) => void send({ waiting: holder }),
        });
        await send({ report });
      } catch (error) {
        await send({ error: error instanceof Error ? error.message : String(error) });
      } finally {
        await writer.close();
      }
    })();
    context.waitUntil(run);
    return new Response(readable, { headers: { 'content-type': 'application/x-ndjson' } });
  },
};
