/**
 * Where attachment files live in the attachment bucket (the `ATTACHMENTS` R2 binding): every object
 * of a waddle under `waddles/{waddleId}/`, so the monitor counts a waddle's bytes by listing one
 * prefix, and those one member uploaded under `waddles/{waddleId}/users/{userId}/`.
 *
 * @example
 * ```ts
 * waddleObjectPrefix(7); // 'waddles/7/'
 * ```
 */
export function waddleObjectPrefix(waddleId: number): string {
  return `waddles/${waddleId}/`;
}

/** The prefix of the objects one member uploaded in a waddle: `waddles/{waddleId}/users/{userId}/`. */
export function uploaderObjectPrefix(waddleId: number, userId: number): string {
  return `${waddleObjectPrefix(waddleId)}users/${userId}/`;
}

/**
 * The key of an upload's object, `waddles/{waddleId}/users/{userId}/{upload}`: `upload` is a
 * random UUID that also names the upload in the API's paths, so a key never names a file by its
 * name and an upload id is only found again under the prefix of the member who made it.
 *
 * @example
 * ```ts
 * uploadObjectKey(1, 3, crypto.randomUUID()); // 'waddles/1/users/3/6f1c…'
 * ```
 */
export function uploadObjectKey(waddleId: number, userId: number, upload: string): string {
  return `${uploaderObjectPrefix(waddleId, userId)}${upload}`;
}
