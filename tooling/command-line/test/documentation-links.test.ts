import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingAnchors, markdownLinks } from './markdown-links.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const WORKSPACE_GROUPS = ['apps', 'packages', 'tooling'];

/**
 * PENDING: pages that other branches are writing, linked from the README and docs/README.md
 * before they land. A link to one of these (and only these) may point to a missing file; once the
 * file exists, its links and anchors are checked like any other. Remove an entry when its page
 * is merged.
 */
const PENDING_PAGES = new Set<string>([]);

/** The documentation a reader follows: the README, every page of docs/, and each package's and app's README. */
function documentationFiles(): string[] {
  const files = ['README.md'];
  const docs = join(ROOT, 'docs');
  if (existsSync(docs))
    files.push(
      ...readdirSync(docs)
        .filter((name) => name.endsWith('.md'))
        .map((name) => `docs/${name}`),
    );
  for (const group of WORKSPACE_GROUPS) {
    for (const name of readdirSync(join(ROOT, group))) {
      if (existsSync(join(ROOT, group, name, 'README.md'))) files.push(`${group}/${name}/README.md`);
    }
  }
  return files.sort();
}

/** What is wrong with a relative link of `file` (repository-relative), or null when it resolves. */
function brokenLink(file: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:: not this repository's files
  const hash = target.indexOf('#');
  const path = hash === -1 ? target : target.slice(0, hash);
  const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
  const pointed = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), decodeURIComponent(path));
  const pointedFile = relative(ROOT, pointed);
  if (pointedFile.startsWith('..')) return `${target} points outside the repository`;
  if (!existsSync(pointed)) return PENDING_PAGES.has(pointedFile) ? null : `${pointedFile} does not exist`;
  if (anchor === undefined) return null;
  if (statSync(pointed).isDirectory() || !pointed.endsWith('.md')) return `#${anchor} points into ${pointedFile}, which has no headings`;
  return headingAnchors(readFileSync(pointed, 'utf8')).has(anchor) ? null : `${pointedFile} has no heading #${anchor}`;
}

describe('markdownLinks and headingAnchors', () => {
  it('find inline links and images outside code, with their lines', () => {
    const source = [
      'See [the API](docs/api.md#endpoints), ![a chart](chart.png "size") and [the [nested] one](a.md).',
      'Not `[in code](x.md)`:',
      '```md',
      '[in a fence](y.md)',
      '```',
      '[after the fence](<z.md>)',
    ].join('\n');
    expect(markdownLinks(source)).toEqual([
      { line: 1, target: 'docs/api.md#endpoints' },
      { line: 1, target: 'chart.png' },
      { line: 1, target: 'a.md' },
      { line: 6, target: 'z.md' },
    ]);
  });

  it("give headings GitHub's anchors, repeated ones numbered, none from code", () => {
    const source = [
      '# Migrating every database (`pnpm migrate`)',
      "## Finding a waddle's database",
      '## The two Workers writing central at the same time (`SQLITE_BUSY`)',
      '## `.dev.vars` and the local secrets',
      '### **Bold** [linked](x.md) Café',
      '## Tests',
      '## Tests',
      '```sh',
      '# a comment, not a heading',
      '```',
      '#not-a-heading',
    ].join('\n');
    expect([...headingAnchors(source)]).toEqual([
      'migrating-every-database-pnpm-migrate',
      'finding-a-waddles-database',
      'the-two-workers-writing-central-at-the-same-time-sqlite_busy',
      'devvars-and-the-local-secrets',
      'bold-linked-café',
      'tests',
      'tests-1',
    ]);
  });
});

describe('the documentation', () => {
  const files = documentationFiles();

  it('is the README, the pages of docs/ and a README in every app and package', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/README.md');
    const withoutReadme = WORKSPACE_GROUPS.flatMap((group) =>
      readdirSync(join(ROOT, group))
        .filter((name) => existsSync(join(ROOT, group, name, 'package.json')) && !files.includes(`${group}/${name}/README.md`))
        .map(
          (name) => `${group}/${name} has no README.md (say what it owns, its entry points, what it must not depend on, how to test it)`,
        ),
    );
    expect(withoutReadme).toEqual([]);
  });

  it('only links to files that exist, and to headings those files have', () => {
    const broken: string[] = [];
    for (const file of files) {
      for (const { line, target } of markdownLinks(readFileSync(join(ROOT, file), 'utf8'))) {
        const problem = brokenLink(file, target);
        if (problem) broken.push(`${file}:${line}: [${target}] ${problem}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('allows a missing file only for the pages named pending', () => {
    expect(brokenLink('README.md', 'docs/binding-slices.md')).toBeNull();
    expect(brokenLink('docs/README.md', 'mentions-and-follows.md')).toBeNull();
    expect(brokenLink('README.md', 'docs/no-such-page.md')).toBe('docs/no-such-page.md does not exist');
    expect(brokenLink('README.md', 'docs/api.md#no-such-heading')).toBe('docs/api.md has no heading #no-such-heading');
    expect(brokenLink('README.md', '#quick-start')).toBeNull();
    expect(brokenLink('packages/d1/README.md', '../../../DESIGN.md')).toBe('../../../DESIGN.md points outside the repository');
    expect(brokenLink('README.md', 'https://developers.cloudflare.com/d1/')).toBeNull();
  });
});
