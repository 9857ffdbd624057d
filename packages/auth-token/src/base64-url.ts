/**
 * base64url without padding (RFC 4648 §5), as JSON Web Tokens spell their parts (RFC 7515 §2).
 *
 * @example
 * ```ts
 * encodeBase64Url(new TextEncoder().encode('{"alg":"HS256"}')); // 'eyJhbGciOiJIUzI1NiJ9'
 * ```
 */
export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/**
 * Decodes base64url strictly: only the alphabet, no padding, and only the one canonical spelling
 * of the bytes. A length no encoding has (1 more than a multiple of 4), or a last character whose
 * unused bits are set (`…g` and `…h` would otherwise decode alike), gives `undefined`, so each
 * byte string has exactly one accepted text and a token cannot be respelled.
 *
 * @example
 * ```ts
 * decodeBase64Url('eyJhbGciOiJIUzI1NiJ9'); // the bytes of '{"alg":"HS256"}'
 * decodeBase64Url('eyJhbGciOiJIUzI1NiJ8'); // undefined: the same bytes, spelled with unused bits set
 * ```
 */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  return encodeBase64Url(bytes) === text ? bytes : undefined;
}
