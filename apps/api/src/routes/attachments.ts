import { createRoute, z } from '@hono/zod-openapi';
import { uploadObjectKey } from '@waddle/attachment-store/object-keys';
import { removeUploadObject } from '@waddle/attachment-store/remove-upload-object';
import {
  forgetPendingUploadQuery,
  pendingUpload,
  recordPartQuery,
  recordPendingUploadQuery,
} from '@waddle/directory-queries/attachments/pending-uploads';
import { recordAttachment } from '@waddle/queries/attachments/record-attachment';
import { storedAttachment } from '@waddle/queries/attachments/stored-attachment';
import { attachmentIdFloor, shardOfAttachment } from '@waddle/queries/shards/attachment-id-blocks';
import { type ShardedWaddle, shardIndexOf, shardOf } from '@waddle/queries/shards/sharded-waddle';
import { openWaddle } from '../access/waddle-access.ts';
import { attachmentLimits, isAllowedType, mediaTypeOf } from '../attachments/attachment-limits.ts';
import { multipartPlan, partLength } from '../attachments/multipart-plan.ts';
import { requireAttachableMessage } from '../attachments/require-attachable-message.ts';
import type { RequestContext } from '../context/request-context.ts';
import { ApiError, badRequest, conflict, notFound } from '../http/api-error.ts';
import { BODY_ERRORS, errorAnswers, IN_WADDLE_ERRORS, jsonAnswer } from '../http/responses.ts';
import { routeGroup } from '../http/route-group.ts';
import { AUTHENTICATED, AUTHENTICATED_WITH_BODY, NO_QUERY } from '../http/route-middleware.ts';
import { pathId, singleLine } from '../http/schemas.ts';
import { attachmentBody, attachmentJson } from './attachment-json.ts';

/** A file name: 1 to 255 characters on one line, without a path separator. */
const filename = singleLine(1, 255).refine((name) => !/[/\\]/.test(name), 'must not contain / or \\');

/** An upload's id in a path: the UUID `POST …/uploads` answered. */
const uploadId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be an upload id');

/** A file's bytes in a request or an answer (any media type). */
const fileBytes = z.string().openapi({ type: 'string', format: 'binary' });

const tooLarge = (limit: number, what: string) => new ApiError(413, 'attachment_too_large', `${what} is limited to ${limit} bytes`);
const refusedType = (type: string | null) =>
  new ApiError(
    415,
    'attachment_type_refused',
    type === null ? 'send the file with its Content-Type' : `files of type ${type} are not accepted`,
  );

/** The `Content-Length` of a request, or 400 `length_required` without a valid one. */
function contentLength(header: string | undefined): number {
  if (header === undefined || !/^[0-9]{1,16}$/.test(header))
    throw badRequest('length_required', 'send the size of the file as Content-Length');
  return Number(header);
}

/**
 * `POST /v1/waddles/{waddle}/messages/{message}/attachments?filename=`: the author attaches a
 * file to their live message in one request, its bytes as the body, its type as `Content-Type`,
 * its size as `Content-Length`. Refused before anything is read or stored when larger than
 * `ATTACHMENT_DIRECT_MAX_BYTES` (413; larger files go up as a multipart upload) or of a type
 * `ATTACHMENT_ALLOWED_TYPES` does not list (415). The ledger row (central) is written first, then
 * the object, then the attachment row (only while the message is live), then the ledger row goes:
 * an upload cut off anywhere leaves a ledger row for the cron (`deleteStaleUploads`).
 *
 * ```sql
 * insert into "attachment_uploads" (…) values (…);                                    -- central
 * -- ATTACHMENTS.put(key, body), then recordAttachment (one batch of the waddle database), then:
 * delete from "attachment_uploads" where "object_key" = ?;                            -- central
 * ```
 */
export const uploadAttachment = createRoute({
  operationId: 'uploadAttachment',
  method: 'post',
  path: '/v1/waddles/{waddle}/messages/{message}/attachments',
  tags: ['attachments'],
  summary: "Attach a file to one's own message (direct upload)",
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId, message: pathId }),
    query: z.strictObject({ filename }),
    body: {
      required: true,
      description: 'The file: its bytes, its type as Content-Type, its size as Content-Length',
      content: { '*/*': { schema: fileBytes } },
    },
  },
  responses: {
    201: jsonAnswer(attachmentBody, 'The file, stored and attached'),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], {
      400: 'Invalid input, no `Content-Length` (`length_required`), or a channel that takes no messages',
      403: 'Banned, not the author (`not_author`), lacking SEND_MESSAGES, or an archived channel',
      413: 'Larger than ATTACHMENT_DIRECT_MAX_BYTES (`attachment_too_large`): nothing was stored',
      415: 'A type ATTACHMENT_ALLOWED_TYPES does not list, or none (`attachment_type_refused`): nothing was stored',
    }),
  },
});

/**
 * `POST /v1/waddles/{waddle}/messages/{message}/uploads`: starts a multipart upload of a file up
 * to `ATTACHMENT_MAX_BYTES` for the author's live message: R2 creates it, the ledger records it, and
 * the answer says how to cut the file (`partSizeBytes`, `partCount`; every part that size but the
 * last). Parts go to `PUT …/uploads/{upload}/parts/{part}`, then `POST …/uploads/{upload}/complete`
 * attaches the file.
 *
 * ```sql
 * insert into "attachment_uploads" (…, "multipart_upload_id", …) values (…);   -- central, after ATTACHMENTS.createMultipartUpload
 * ```
 */
export const startUpload = createRoute({
  operationId: 'startUpload',
  method: 'post',
  path: '/v1/waddles/{waddle}/messages/{message}/uploads',
  tags: ['attachments'],
  summary: "Start a multipart upload of a large file for one's own message",
  middleware: AUTHENTICATED_WITH_BODY,
  request: {
    params: z.strictObject({ waddle: pathId, message: pathId }),
    query: NO_QUERY,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.strictObject({
            filename,
            contentType: z.string().min(3).max(255),
            sizeBytes: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonAnswer(
      z.strictObject({
        upload: z.string().openapi({ description: 'The upload id of the paths below' }),
        partSizeBytes: z.int(),
        partCount: z.int(),
        expiresAt: z.int().openapi({ description: 'When the cron removes the upload if it is not completed by then' }),
      }),
      'The upload, waiting for its parts',
    ),
    ...errorAnswers([...IN_WADDLE_ERRORS, ...BODY_ERRORS], {
      403: 'Banned, not the author (`not_author`), lacking SEND_MESSAGES, or an archived channel',
      413: 'Larger than ATTACHMENT_MAX_BYTES (`attachment_too_large`), or the body over 64 KiB',
      415: 'The body not JSON, or a `contentType` ATTACHMENT_ALLOWED_TYPES does not list (`attachment_type_refused`)',
    }),
  },
});

/**
 * `PUT /v1/waddles/{waddle}/uploads/{upload}/parts/{part}`: one part of the caller's multipart
 * upload, exactly `partSizeBytes` long (the last one: the rest), sent again to replace it. An
 * upload that is not the caller's is the same 404 as an unknown one.
 *
 * ```sql
 * select * from "attachment_uploads" where "object_key" = ? and "multipart_upload_id" is not null;   -- central
 * -- ATTACHMENTS.resumeMultipartUpload(key, id).uploadPart(part, body), then:
 * update "attachment_uploads" set "parts" = json_set("parts", ?, ?) where "object_key" = ?;          -- central
 * ```
 */
export const uploadPart = createRoute({
  operationId: 'uploadPart',
  method: 'put',
  path: '/v1/waddles/{waddle}/uploads/{upload}/parts/{part}',
  tags: ['attachments'],
  summary: 'Upload one part of a multipart upload',
  middleware: AUTHENTICATED,
  request: {
    params: z.strictObject({ waddle: pathId, upload: uploadId, part: pathId }),
    query: NO_QUERY,
    body: { required: true, description: "The part's bytes, its size as Content-Length", content: { '*/*': { schema: fileBytes } } },
  },
  responses: {
    200: jsonAnswer(z.strictObject({ partNumber: z.int(), sizeBytes: z.int() }), 'The part, stored'),
    ...errorAnswers(IN_WADDLE_ERRORS, {
      400: 'Invalid input, a part number beyond `partCount`, or a part of another size than the upload said (`invalid_part`)',
      404: 'No such waddle, or no such upload of the caller',
    }),
  },
});

/**
 * `POST /v1/waddles/{waddle}/uploads/{upload}/complete`: once every part is stored, R2 assembles
 * the object and it is attached to the upload's message, which must still be the caller's, live
 * and in a channel they see and post in. The ledger row goes with it.
 *
 * ```sql
 * select * from "attachment_uploads" where "object_key" = ? and "multipart_upload_id" is not null;   -- central
 * -- openWaddle for the message, ATTACHMENTS…complete(parts), recordAttachment, then:
 * delete from "attachment_uploads" where "object_key" = ?;                                           -- central
 * ```
 */
export const completeUpload = createRoute({
  operationId: 'completeUpload',
  method: 'post',
  path: '/v1/waddles/{waddle}/uploads/{upload}/complete',
  tags: ['attachments'],
  summary: 'Complete a multipart upload and attach the file',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, upload: uploadId }), query: NO_QUERY },
  responses: {
    201: jsonAnswer(attachmentBody, 'The file, stored and attached'),
    ...errorAnswers([...IN_WADDLE_ERRORS, 409], {
      403: 'Banned, not the author (`not_author`), lacking SEND_MESSAGES, or an archived channel',
      404: 'No such waddle, no such upload of the caller, or its message gone or out of sight',
      409: 'Parts are missing (`upload_incomplete`)',
    }),
  },
});

/**
 * `GET /v1/waddles/{waddle}/attachments/{attachment}`: the file, for members who can view the
 * message's channel (the same check as every route naming a message, `openWaddle`). A non-member,
 * a member who cannot see the channel, and an unknown id get the same 404. Served with its type,
 * as a download (`Content-Disposition: attachment`), never sniffed.
 *
 * ```sql
 * select "id", "message_id", "filename", "size_bytes", "mime_type", "object_key" from "message_attachments"
 *   where "id" = ? and "object_key" is not null;
 * -- then openWaddle's batch for the message; ATTACHMENTS.get(key)
 * ```
 *
 * Over message shards the row is looked for in the one shard whose block of attachment ids holds
 * the id (`shardOfAttachment`: shard `k` numbers its attachments from `k * 2^40 + 1`, so ids are
 * unique across the waddle's shards); an id in no shard's block is an unknown attachment.
 */
export const downloadAttachment = createRoute({
  operationId: 'downloadAttachment',
  method: 'get',
  path: '/v1/waddles/{waddle}/attachments/{attachment}',
  tags: ['attachments'],
  summary: 'Download an attachment',
  middleware: AUTHENTICATED,
  request: { params: z.strictObject({ waddle: pathId, attachment: pathId }), query: NO_QUERY },
  responses: {
    200: { description: 'The file, with its type and a Content-Disposition naming it', content: { '*/*': { schema: fileBytes } } },
    ...errorAnswers(IN_WADDLE_ERRORS, {
      404: 'No such waddle or attachment, or one in a channel the caller may not see (the same answer)',
    }),
  },
});

/** `Content-Disposition` for a download: the name quoted in ASCII, and exactly in UTF-8 (RFC 6266, RFC 8187). */
function dispositionOf(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** An attachment by id in the shard whose block of ids holds it (see `downloadAttachment`). */
async function storedAttachmentInShards(sharded: ShardedWaddle, id: number) {
  const shard = shardOfAttachment(sharded, id);
  return shard ? storedAttachment(shard.waddle, id) : undefined;
}

/** Where an attachment of message `messageId` is recorded: its shard, and the floor of that shard's attachment ids. */
function attachmentShard(sharded: ShardedWaddle, messageId: number) {
  return { waddle: shardOf(sharded, messageId), idFloor: attachmentIdFloor(shardIndexOf(sharded, messageId)) };
}

/** The caller's multipart upload in this waddle, or the same 404 for an unknown one and another's. */
async function ownUpload(context: RequestContext, waddleId: number, upload: string) {
  const found = await pendingUpload(context.directory, uploadObjectKey(waddleId, context.caller.id, upload));
  if (!found || found.multipart_upload_id === null) throw notFound('upload');
  return { ...found, multipart_upload_id: found.multipart_upload_id };
}

/** The attachment routes: direct and multipart uploads, and downloads. */
export const attachments = routeGroup()
  .openapi(uploadAttachment, async (c) => {
    const params = c.req.valid('param');
    const { filename: name } = c.req.valid('query');
    const limits = attachmentLimits(c.env);
    const size = contentLength(c.req.header('content-length'));
    if (size > limits.directMaxBytes) throw tooLarge(limits.directMaxBytes, 'a file uploaded in one request');
    const type = mediaTypeOf(c.req.header('content-type'));
    if (type === null || !isAllowedType(limits, type)) throw refusedType(type);
    const context = await c.var.requestContext(params.waddle);
    const { access, channel, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    requireAttachableMessage(access, channel, message, context.caller.id);
    const objectKey = uploadObjectKey(access.waddle.id, context.caller.id, crypto.randomUUID());
    await recordPendingUploadQuery(context.directory, {
      object_key: objectKey,
      waddle_id: access.waddle.id,
      message_id: message.id,
      user_id: context.caller.id,
      filename: name,
      mime_type: type,
      size_bytes: size,
      created_at: context.now,
    }).execute();
    const stored = await c.env.ATTACHMENTS.put(objectKey, c.req.raw.body, { httpMetadata: { contentType: type } });
    const shard = attachmentShard(access.sharded, message.id);
    const recorded = await recordAttachment(shard.waddle, {
      idFloor: shard.idFloor,
      messageId: message.id,
      filename: name,
      sizeBytes: stored.size,
      mimeType: type,
      objectKey,
      createdAt: context.now,
      urlPrefix: `/v1/waddles/${access.waddle.id}/attachments/`,
    });
    if (!recorded) await c.env.ATTACHMENTS.delete(objectKey);
    await forgetPendingUploadQuery(context.directory, objectKey).execute();
    if (!recorded) throw notFound('message');
    return c.json(attachmentJson(recorded), 201);
  })
  .openapi(startUpload, async (c) => {
    const params = c.req.valid('param');
    const body = c.req.valid('json');
    const limits = attachmentLimits(c.env);
    if (body.sizeBytes > limits.maxBytes) throw tooLarge(limits.maxBytes, 'an attachment');
    const type = mediaTypeOf(body.contentType);
    if (type === null || !isAllowedType(limits, type)) throw refusedType(type);
    const context = await c.var.requestContext(params.waddle);
    const { access, channel, message } = await openWaddle(context, params.waddle, { messageId: params.message });
    requireAttachableMessage(access, channel, message, context.caller.id);
    const upload = crypto.randomUUID();
    const objectKey = uploadObjectKey(access.waddle.id, context.caller.id, upload);
    const multipart = await c.env.ATTACHMENTS.createMultipartUpload(objectKey, { httpMetadata: { contentType: type } });
    await recordPendingUploadQuery(context.directory, {
      object_key: objectKey,
      waddle_id: access.waddle.id,
      message_id: message.id,
      user_id: context.caller.id,
      filename: body.filename,
      mime_type: type,
      size_bytes: body.sizeBytes,
      multipart_upload_id: multipart.uploadId,
      created_at: context.now,
    }).execute();
    const plan = multipartPlan(body.sizeBytes);
    return c.json({ upload, ...plan, expiresAt: context.now + limits.uploadGraceMs }, 201);
  })
  .openapi(uploadPart, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const upload = await ownUpload(context, access.waddle.id, params.upload);
    const expected = partLength(upload.size_bytes, params.part);
    if (expected === null) throw badRequest('invalid_part', `this upload has ${multipartPlan(upload.size_bytes).partCount} parts`);
    if (contentLength(c.req.header('content-length')) !== expected)
      throw badRequest('invalid_part', `part ${params.part} of this upload is ${expected} bytes long`);
    const multipart = c.env.ATTACHMENTS.resumeMultipartUpload(upload.object_key, upload.multipart_upload_id);
    const part = await multipart.uploadPart(params.part, c.req.raw.body ?? new Uint8Array());
    await recordPartQuery(context.directory, upload.object_key, part.partNumber, part.etag).execute();
    return c.json({ partNumber: part.partNumber, sizeBytes: expected }, 200);
  })
  .openapi(completeUpload, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const upload = await ownUpload(context, access.waddle.id, params.upload);
    const { partCount } = multipartPlan(upload.size_bytes);
    const etags = JSON.parse(upload.parts) as Record<string, string>;
    const parts = Array.from({ length: partCount }, (_, i) => ({ partNumber: i + 1, etag: etags[String(i + 1)] ?? '' }));
    const missing = parts.filter((part) => part.etag === '').map((part) => part.partNumber);
    if (missing.length > 0) throw conflict('upload_incomplete', `parts ${missing.join(', ')} are missing`);
    const { channel, message } = await openWaddle(context, params.waddle, { messageId: upload.message_id });
    requireAttachableMessage(access, channel, message, context.caller.id);
    const stored = await c.env.ATTACHMENTS.resumeMultipartUpload(upload.object_key, upload.multipart_upload_id).complete(parts);
    const shard = attachmentShard(access.sharded, message.id);
    const recorded = await recordAttachment(shard.waddle, {
      idFloor: shard.idFloor,
      messageId: message.id,
      filename: upload.filename,
      sizeBytes: stored.size,
      mimeType: upload.mime_type,
      objectKey: upload.object_key,
      createdAt: context.now,
      urlPrefix: `/v1/waddles/${access.waddle.id}/attachments/`,
    });
    if (!recorded) await removeUploadObject(c.env.ATTACHMENTS, { objectKey: upload.object_key, multipartUploadId: null });
    await forgetPendingUploadQuery(context.directory, upload.object_key).execute();
    if (!recorded) throw notFound('message');
    return c.json(attachmentJson(recorded), 201);
  })
  .openapi(downloadAttachment, async (c) => {
    const params = c.req.valid('param');
    const context = await c.var.requestContext(params.waddle);
    const { access } = await openWaddle(context, params.waddle);
    const attachment = await storedAttachmentInShards(access.sharded, params.attachment);
    if (!attachment) throw notFound('attachment');
    // The visibility every route naming a message gets; a message out of sight is an unknown attachment.
    await openWaddle(context, params.waddle, { messageId: attachment.message_id }).catch((error: unknown) => {
      throw error instanceof ApiError && error.status === 404 ? notFound('attachment') : error;
    });
    const object = await c.env.ATTACHMENTS.get(attachment.object_key);
    if (!object) throw notFound('attachment');
    return c.body(object.body, 200, {
      'content-type': attachment.mime_type ?? 'application/octet-stream',
      'content-length': String(object.size),
      'content-disposition': dispositionOf(attachment.filename),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-store',
    });
  });
