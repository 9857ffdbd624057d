/** What removing an upload's bytes needs of the attachment bucket (the `ATTACHMENTS` R2 binding). */
export type UploadRemover = Pick<R2Bucket, 'delete' | 'resumeMultipartUpload'>;

/** An upload of the central ledger (`attachment_uploads`), as far as its bytes go. */
export interface UploadObject {
  readonly objectKey: string;
  /** R2's id of its multipart upload; `null` for a direct upload. */
  readonly multipartUploadId: string | null;
}

/**
 * Removes whatever an upload may have stored: aborts its multipart upload (uploaded parts are no
 * object a list shows, and R2 keeps them until it aborts an uncompleted upload itself after 7 days)
 * and deletes its object. Both are idempotent, so an interrupted removal is simply repeated; an
 * abort of a multipart upload that no longer exists (completed or aborted meanwhile) is ignored, as
 * R2's Workers API reference advises for every operation on one.
 *
 * @example
 * ```ts
 * await removeUploadObject(env.ATTACHMENTS, { objectKey, multipartUploadId: null });
 * ```
 */
export async function removeUploadObject(bucket: UploadRemover, upload: UploadObject): Promise<void> {
  if (upload.multipartUploadId !== null) {
    await bucket
      .resumeMultipartUpload(upload.objectKey, upload.multipartUploadId)
      .abort()
      .catch(() => undefined);
  }
  await bucket.delete(upload.objectKey);
}
