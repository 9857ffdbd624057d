/** What uploads may be, from the Worker's `ATTACHMENT_*` vars (wrangler.jsonc). */
export interface AttachmentLimits {
  /** The largest file taken in one request (`ATTACHMENT_DIRECT_MAX_BYTES`). */
  readonly directMaxBytes: number;
  /** The largest attachment at all, a multipart upload's included (`ATTACHMENT_MAX_BYTES`). */
  readonly maxBytes: number;
  /** The content types accepted, lower case; `type/*` takes every subtype (`ATTACHMENT_ALLOWED_TYPES`). */
  readonly allowedTypes: readonly string[];
  /** How long an upload may stay unattached before the cron removes it (`ATTACHMENT_UPLOAD_GRACE_HOURS`), in ms. */
  readonly uploadGraceMs: number;
}

/** The vars {@link attachmentLimits} reads. */
export interface AttachmentLimitsEnv {
  readonly ATTACHMENT_DIRECT_MAX_BYTES?: string;
  readonly ATTACHMENT_MAX_BYTES?: string;
  readonly ATTACHMENT_ALLOWED_TYPES?: string;
  readonly ATTACHMENT_UPLOAD_GRACE_HOURS?: string;
}

/** Cloudflare refuses request bodies over 100 MB on its Free and Pro plans (developers.cloudflare.com/workers/platform/limits). */
const MAX_REQUEST_BODY_BYTES = 100_000_000;
/**
 * The largest file a multipart upload through the Worker takes: 10,000 parts (R2's most,
 * developers.cloudflare.com/r2/objects/upload-objects) of at most one request body each.
 */
const MAX_OBJECT_BYTES = 10_000 * MAX_REQUEST_BODY_BYTES;
/** R2 aborts an uncompleted multipart upload after 7 days (R2's Workers API reference): the grace period stays under it. */
const MAX_GRACE_HOURS = 167;

function bounded(env: AttachmentLimitsEnv, name: keyof AttachmentLimitsEnv, min: number, max: number): number {
  const raw = env[name];
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * The upload limits from the Worker's vars. Reads no database.
 *
 * @throws {Error} naming the variable, when one is missing or out of range.
 *
 * @example
 * ```ts
 * attachmentLimits(env).directMaxBytes; // 26214400 with wrangler.jsonc's value
 * ```
 */
export function attachmentLimits(env: AttachmentLimitsEnv): AttachmentLimits {
  const maxBytes = bounded(env, 'ATTACHMENT_MAX_BYTES', 1, MAX_OBJECT_BYTES);
  return {
    directMaxBytes: Math.min(maxBytes, bounded(env, 'ATTACHMENT_DIRECT_MAX_BYTES', 1, MAX_REQUEST_BODY_BYTES)),
    maxBytes,
    allowedTypes: (env.ATTACHMENT_ALLOWED_TYPES ?? '')
      .split(',')
      .map((type) => type.trim().toLowerCase())
      .filter((type) => type !== ''),
    uploadGraceMs: bounded(env, 'ATTACHMENT_UPLOAD_GRACE_HOURS', 1, MAX_GRACE_HOURS) * 3_600_000,
  };
}

/**
 * The media type of a `Content-Type` header, lower case and without parameters
 * (`Text/Plain; charset=utf-8` → `text/plain`), or `null` when it is missing or no `type/subtype`.
 */
export function mediaTypeOf(header: string | undefined): string | null {
  const type = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(type) ? type : null;
}

/** Whether `limits` accept a media type: listed, or its type listed as `type/*`. */
export function isAllowedType(limits: AttachmentLimits, mediaType: string): boolean {
  const [type] = mediaType.split('/');
  return limits.allowedTypes.includes(mediaType) || limits.allowedTypes.includes(`${type}/*`);
}
