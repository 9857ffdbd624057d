import type { AttachmentBucket } from '@waddle/privacy/advance-job';
import { convertV4MiniflareOptions } from 'miniflare';
import { BINDINGS_ONLY_WORKER, startLocalMiniflareWith } from './local-miniflare.ts';
import { LOCAL_STATE_DIRECTORY } from './local-state-directory.ts';

/** The bucket of attachments the Workers bind as `ATTACHMENTS` (`r2_buckets` of both wrangler configs). */
export const ATTACHMENT_BUCKET_NAME = 'waddle-attachments';

/** The local attachment bucket, open until `dispose()`. */
export interface LocalAttachmentBucket {
  readonly bucket: AttachmentBucket;
  dispose(): Promise<void>;
}

/**
 * Opens the local R2 bucket of attachments, the one `wrangler dev` persists beside the D1 state
 * (`npm start` serves it): what a command-line erasure deletes a user's files from, as the API
 * does with its binding.
 *
 * @example
 * ```ts
 * const attachments = await openLocalAttachmentBucket();
 * try { await runJobToEnd(central, connectors, jobId, { attachments: attachments.bucket, … }); } finally { await attachments.dispose(); }
 * ```
 */
export async function openLocalAttachmentBucket(stateDirectory: string = LOCAL_STATE_DIRECTORY): Promise<LocalAttachmentBucket> {
  const miniflare = await startLocalMiniflareWith(
    convertV4MiniflareOptions({
      modules: true,
      script: BINDINGS_ONLY_WORKER,
      compatibilityDate: '2026-11-01',
      r2Buckets: { ATTACHMENTS: ATTACHMENT_BUCKET_NAME },
      resourcePersistencePath: stateDirectory,
    }),
  );
  const bucket = (await miniflare.getR2Bucket('ATTACHMENTS')) as unknown as AttachmentBucket;
  return { bucket, dispose: () => miniflare.dispose() };
}
