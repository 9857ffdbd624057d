/**
 * R2's smallest part of a multipart upload but the last: 5 MiB; parts are uniform in size but the
 * last, and an upload has at most 10,000 of them (developers.cloudflare.com/r2/objects/upload-objects,
 * R2's Workers API reference).
 */
const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;

/** How a multipart upload of `sizeBytes` is cut. */
export interface MultipartPlan {
  /** Every part but the last is this long. */
  readonly partSizeBytes: number;
  readonly partCount: number;
}

/**
 * The parts of a multipart upload of `sizeBytes`: 5 MiB each (R2's smallest), larger only when a
 * file would need more than 10,000 of them. Each part is one request through the Worker, so a part
 * stays under the 100 MB request body of Cloudflare's Free and Pro plans for files up to 1 TB
 * (`ATTACHMENT_MAX_BYTES` allows no more).
 *
 * @example
 * ```ts
 * multipartPlan(12 * 1024 * 1024); // { partSizeBytes: 5242880, partCount: 3 }
 * ```
 */
export function multipartPlan(sizeBytes: number): MultipartPlan {
  const partSizeBytes = Math.max(MIN_PART_BYTES, Math.ceil(sizeBytes / MAX_PARTS));
  return { partSizeBytes, partCount: Math.max(1, Math.ceil(sizeBytes / partSizeBytes)) };
}

/** How long part `partNumber` (from 1) of an upload of `sizeBytes` is, or `null` past its last part. */
export function partLength(sizeBytes: number, partNumber: number): number | null {
  const { partSizeBytes, partCount } = multipartPlan(sizeBytes);
  if (partNumber < 1 || partNumber > partCount) return null;
  return partNumber < partCount ? partSizeBytes : sizeBytes - partSizeBytes * (partCount - 1);
}
