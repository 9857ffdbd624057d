import { type CloudflareApi, D1RestError } from '@waddle/d1/rest';
import { sliceBindingName } from './slice-binding-name.ts';
import { SLICE_CAPACITY } from './slice-capacity.ts';

/** The compatibility date slices are uploaded with (the repository's Workers use the same). */
export const SLICE_COMPATIBILITY_DATE = '2026-11-01';

/** The module name the slice's bundled script is uploaded under (`main_module`). */
export const SLICE_MAIN_MODULE = 'slice.js';

/** What a slice is uploaded with. */
export interface SliceUpload {
  /** The dispatch namespace (`waddle-slices`). */
  readonly namespace: string;
  /** The slice's script name in the namespace (`slice-0007`). */
  readonly slice: string;
  /** The bundled slice Worker (`packages/slice-worker/src/slice-worker.ts`, one ES module). */
  readonly script: string;
  /** The D1 ids of every database the slice binds after this upload (the ones it had, and the new). */
  readonly databases: readonly string[];
}

/**
 * The multipart body of a user Worker upload, as documented for Workers for Platforms: a
 * `metadata` part (JSON: `main_module`, `compatibility_date`, `bindings`, one
 * `{ type: 'd1', name, id }` per database) and the module part named by `main_module`
 * (`application/javascript+module`). Throws a `TypeError` past {@link SLICE_CAPACITY}
 * databases, for a repeated database, or for an id that is not a D1 id.
 */
export function sliceUploadForm(upload: SliceUpload): FormData {
  if (upload.databases.length > SLICE_CAPACITY)
    throw new TypeError(`a slice binds at most ${SLICE_CAPACITY} databases, not ${upload.databases.length}`);
  if (new Set(upload.databases).size !== upload.databases.length) throw new TypeError('a slice binds each database once');
  const metadata = {
    main_module: SLICE_MAIN_MODULE,
    compatibility_date: SLICE_COMPATIBILITY_DATE,
    bindings: upload.databases.map((id) => ({ type: 'd1', name: sliceBindingName(id), id })),
  };
  const form = new FormData();
  form.set('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }), 'metadata.json');
  form.set(SLICE_MAIN_MODULE, new Blob([upload.script], { type: 'application/javascript+module' }), SLICE_MAIN_MODULE);
  return form;
}

/**
 * Uploads (or re-uploads) a slice into the dispatch namespace with the bindings of `databases`:
 * one control-plane call, `PUT /accounts/{account}/workers/dispatch/namespaces/{namespace}/scripts/{slice}`.
 * A re-upload replaces the slice's version at once (Workers for Platforms has no gradual
 * deployments for user Workers), so it must list every database the slice keeps serving.
 * Throws `D1RestError` with the API's status and messages when the upload is refused.
 *
 * @example
 * ```ts
 * await uploadSlice(api, { namespace: 'waddle-slices', slice: 'slice-0007', script, databases: [...bound, created.uuid] });
 * ```
 */
export async function uploadSlice(api: CloudflareApi, upload: SliceUpload): Promise<void> {
  const path = `/workers/dispatch/namespaces/${encodeURIComponent(upload.namespace)}/scripts/${encodeURIComponent(upload.slice)}`;
  const response = await (api.fetch ?? fetch)(`${api.baseUrl}/accounts/${api.accountId}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.apiToken}` },
    body: sliceUploadForm(upload),
  });
  const envelope = (await response.json().catch(() => null)) as { success?: boolean; errors?: { message: string }[] } | null;
  if (!response.ok || !envelope?.success) {
    throw new D1RestError(response.status, envelope?.errors?.map((error) => error.message).join('; ') || response.statusText);
  }
}
