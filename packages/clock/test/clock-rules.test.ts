import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedDateFindings } from '../src/fixed-date-findings.ts';
import { testClock } from '../src/test-clock.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
/** The files allowed to read the machine's clock: the product's one clock, and the test clock's start. */
const SYSTEM_CLOCK_READERS = new Set(['packages/clock/src/clock.ts', 'packages/clock/src/test-clock.ts']);
/** This file: its examples of what the rules refuse are the rules' own fixtures. */
const RULE_FIXTURES = 'packages/clock/test/clock-rules.test.ts';
const WORKSPACE_GROUPS = ['apps', 'packages', 'tooling'];

function* typeScriptFiles(directory: string): Generator<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (/\.(ts|mts|js|mjs)$/.test(entry.name)) yield path;
  }
}

/** Every workspace package's `src` (source) and `test`/`page-test` (tests) files, repository-relative. */
function workspaceFiles(): { path: string; kind: 'test' | 'source' }[] {
  const files: { path: string; kind: 'test' | 'source' }[] = [];
  for (const group of WORKSPACE_GROUPS) {
    let packages: string[];
    try {
      packages = readdirSync(join(ROOT, group));
    } catch {
      continue;
    }
    for (const name of packages) {
      for (const [folder, kind] of [
        ['src', 'source'],
        ['test', 'test'],
        ['page-test', 'test'],
      ] as const) {
        for (const path of typeScriptFiles(join(ROOT, group, name, folder))) {
          files.push({ path: relative(ROOT, path), kind: path.endsWith('.test.ts') ? 'test' : kind });
        }
      }
    }
  }
  return files;
}

describe('the clock rules', () => {
  it('refuse a test clock fixed at a calendar date that the code under test never sees', () => {
    // The line that made every CI run fail from 2026-11-27 on (apps/monitor/test/monitored-platform.ts).
    expect(fixedDateFindings('  const clock = { now: Date.UTC(2026, 10, 20, 12) };', 'test')).toEqual([
      { line: 1, text: 'const clock = { now: Date.UTC(2026, 10, 20, 12) };', rule: 'fixed-date-in-test' },
    ]);
    for (const line of [
      'const NOW = Date.UTC(2026, 10, 25);',
      "const start = new Date('2026-11-01T00:00:00Z').getTime();",
      'const when = new Date(2026, 10, 1);',
      "const at = Date.parse('2026-11-20');",
      'let clock = 1_700_000_000_000;',
      'const NOW = 1800000000000;',
    ]) {
      expect(
        fixedDateFindings(line, 'test').map((finding) => finding.rule),
        line,
      ).toEqual(['fixed-date-in-test']);
    }
  });

  it('accept dates handed to the test clock, times relative to it, and numbers that are not dates', () => {
    for (const line of [
      'const clock = testClock({ pinnedAt: Date.UTC(2024, 1, 29) });',
      'const clock = testClock();',
      'clock.advance(7 * 86_400_000);',
      'expect(body.limitBytes).toBe(10_000_000_000);',
      'sampledAt: new Date(clock.now()).toISOString(),',
      '// Date.UTC(2026, 10, 1) in a comment',
      ' * const start = Date.UTC(2026, 10, 1);',
    ]) {
      expect(fixedDateFindings(line, 'test'), line).toEqual([]);
    }
  });

  it('refuse Date.now() in product code, where an injected clock is the source of now', () => {
    expect(fixedDateFindings('const now = Date.now();', 'source')).toEqual([
      { line: 1, text: 'const now = Date.now();', rule: 'system-clock-in-source' },
    ]);
    expect(fixedDateFindings(' * await tick(central, Date.now());', 'source')).toEqual([]);
    expect(fixedDateFindings('const now = clock();', 'source')).toEqual([]);
  });

  it('hold in every workspace package', () => {
    const files = workspaceFiles();
    // The walk reaches the suites it is meant to guard.
    expect(files.map((file) => file.path)).toContain('apps/monitor/test/monitored-platform.ts');
    expect(files.map((file) => file.path)).toContain('apps/api/src/index.ts');
    const findings = files
      .filter((file) => file.path !== RULE_FIXTURES && !(file.kind === 'source' && SYSTEM_CLOCK_READERS.has(file.path)))
      .flatMap((file) =>
        fixedDateFindings(readFileSync(join(ROOT, file.path), 'utf8'), file.kind).map(
          (finding) => `${file.path}:${finding.line} ${finding.rule}: ${finding.text}`,
        ),
      );
    expect(findings).toEqual([]);
  });
});

describe('the test clock', () => {
  it('starts at the real now and moves only when the test moves it', () => {
    const before = Date.now();
    const clock = testClock();
    const after = Date.now();
    expect(clock.now()).toBeGreaterThanOrEqual(before);
    expect(clock.now()).toBeLessThanOrEqual(after);
    const start = clock.now();
    expect(clock.advance(60_000)).toBe(start + 60_000);
    expect(clock.now()).toBe(start + 60_000);
    expect(clock.set(start)).toBe(start);
  });

  it('starts at a pinned time when the test pins one', () => {
    const pinned = testClock({ pinnedAt: Date.UTC(2024, 1, 29) });
    expect(new Date(pinned.now()).toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });
});
