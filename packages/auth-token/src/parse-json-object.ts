const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a JWT header or claims set strictly: well-formed UTF-8 (no replacement characters
 * invented), JSON, an object at the top, and no member name twice in any object. `JSON.parse`
 * silently keeps the last duplicate, so `{"alg":"none","alg":"HS256"}` would mean different
 * things to different parsers; RFC 7515 §5.2 lets a recipient refuse it, and this one does.
 * Returns `undefined` for anything else.
 *
 * @example
 * ```ts
 * parseJsonObject(new TextEncoder().encode('{"sub":"42"}'));            // { sub: '42' }
 * parseJsonObject(new TextEncoder().encode('{"sub":"42","sub":"1"}'));  // undefined
 * ```
 */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return hasDuplicateMemberName(text) ? undefined : (value as Record<string, unknown>);
}

/**
 * Whether an object of a valid JSON text names a member twice. Walks the text once: a string
 * right after `{` or after a `,` inside an object is a member name (decoded, so `"a"` and
 * `"\u0061"` are the same name); every other string is skipped whole, escapes included.
 */
function hasDuplicateMemberName(json: string): boolean {
  const objects: (Set<string> | null)[] = []; // one entry per open object (its names) or array (null)
  let expectName = false;
  for (let i = 0; i < json.length; i++) {
    const char = json[i];
    if (char === '"') {
      let end = i + 1;
      while (json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      const names = objects.at(-1);
      if (expectName && names) {
        const name = JSON.parse(json.slice(i, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
      }
      expectName = false;
      i = end;
    } else if (char === '{') {
      objects.push(new Set());
      expectName = true;
    } else if (char === '[') {
      objects.push(null);
      expectName = false;
    } else if (char === '}' || char === ']') {
      objects.pop();
      expectName = false;
    } else if (char === ',') {
      expectName = objects.at(-1) instanceof Set;
    }
  }
  return false;
}
