/**
 * A bound parameter as it travels to a slice in JSON: strings, numbers, booleans and `null` as
 * they are (JSON writes a number with the shortest digits that read back as the same double, so
 * every finite number survives exactly), a blob as `{ blob: [byte, …] }`.
 */
export type EncodedParam = string | number | boolean | null | { readonly blob: readonly number[] };

/**
 * Encodes one parameter of `bind()`: an `ArrayBuffer` or any typed array or `DataView` becomes
 * `{ blob: [...] }` (its bytes), `undefined` becomes `null` (as D1 binds it), and what D1 would
 * refuse or JSON could not carry exactly (a non-finite number, a bigint, an object) is refused
 * here with a `TypeError`, before anything is sent.
 *
 * @example
 * ```ts
 * encodeParam(new Uint8Array([1, 2])); // { blob: [1, 2] }
 * encodeParam(2 ** 53 - 1);            // 9007199254740991
 * ```
 */
export function encodeParam(value: unknown): EncodedParam {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot bind ${value}: D1 stores finite numbers only`);
    return value;
  }
  if (value instanceof ArrayBuffer) return { blob: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value)) return { blob: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  throw new TypeError(`cannot bind a value of type ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value}`);
}

/**
 * Decodes a parameter inside the slice: `{ blob }` becomes the `Uint8Array` D1 binds as a BLOB;
 * anything else is bound as it came. Answers `undefined` for a value no encoder produces.
 */
export function decodeParam(value: unknown): string | number | boolean | null | Uint8Array | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && Array.isArray((value as { blob?: unknown }).blob)) {
    const bytes = (value as { blob: unknown[] }).blob;
    if (bytes.every((byte) => Number.isInteger(byte) && (byte as number) >= 0 && (byte as number) <= 255))
      return new Uint8Array(bytes as number[]);
  }
  return undefined;
}
