/** A link written in a Markdown file: where it points, and the line it is on. */
export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/** Fenced code blocks (```), whose contents are code, not Markdown. */
const FENCE = /^\s*(```|~~~)/;

/** Inline code (`…`), removed before links are looked for: a link written in code is no link. */
const INLINE_CODE = /`[^`]*`/g;

/** An inline link or image: `[text](target)` or `![alt](target "title")`; the text may hold one level of brackets. */
const INLINE_LINK = /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/**
 * Every inline link and image of a Markdown text, outside code (fenced blocks and inline code),
 * with its line number (1-based).
 *
 * @example
 * ```ts
 * markdownLinks('See [the API](docs/api.md#endpoints) and `[not](a-link.md)`.');
 * // [{ line: 1, target: 'docs/api.md#endpoints' }]
 * ```
 */
export function markdownLinks(source: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let inFence = false;
  source.split('\n').forEach((text, index) => {
    if (FENCE.test(text)) {
      inFence = !inFence;
      return;
    }
    if (inFence) return;
    for (const match of text.replace(INLINE_CODE, '').matchAll(INLINE_LINK)) links.push({ line: index + 1, target: match[1] as string });
  });
  return links;
}

/**
 * The anchors GitHub gives a Markdown text's headings (`#`-style, outside fenced code): the
 * heading's text without its inline formatting, lower-cased, with every character that is not a
 * letter, mark, digit, connector (`_`), space or hyphen removed and each space turned into a
 * hyphen; a repeated anchor gets `-1`, `-2`, … as GitHub's slugger does.
 *
 * @example
 * ```ts
 * headingAnchors('# Migrating every database (`pnpm migrate`)\n## Finding a waddle\'s database');
 * // Set { 'migrating-every-database-pnpm-migrate', 'finding-a-waddles-database' }
 * ```
 */
export function headingAnchors(source: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const text of source.split('\n')) {
    if (FENCE.test(text)) {
      inFence = !inFence;
      continue;
    }
    const heading = inFence ? null : /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = slug(heading[1] as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function slug(heading: string): string {
  const plain = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*)/g, '');
  return plain
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}
