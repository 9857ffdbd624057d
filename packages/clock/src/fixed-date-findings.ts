/** One place where a file breaks the clock rules. */
export interface FixedDateFinding {
  /** 1-based line number. */
  readonly line: number;
  readonly text: string;
  readonly rule: 'fixed-date-in-test' | 'system-clock-in-source';
}

/** Calendar dates written into code: `Date.UTC(…)`, `new Date(<literal>)`, `Date.parse(<literal>)`. */
const DATE_EXPRESSION = /\bDate\.UTC\s*\(|\bnew Date\s*\(\s*['"`\d]|\bDate\.parse\s*\(\s*['"`]/;
/** Integer literals (with or without `_` separators) of 12 to 13 digits: candidates for epoch milliseconds. */
const LONG_INTEGER = /(?<![\w.])\d[\d_]{11,16}(?![\w.])/g;
/** Epoch milliseconds of 2000-01-01 and 2100-01-01: a literal between them reads as a date. */
const EPOCH_MS_RANGE = [946_684_800_000, 4_102_444_800_000] as const;
/** The only way a test may fix a date: handing it to the test clock, which the test passes on. */
const PINNED_CLOCK = /\bpinnedAt\s*:/;
const SYSTEM_CLOCK = /\bDate\.now\s*\(/;

function isEpochMilliseconds(literal: string): boolean {
  const value = Number(literal.replaceAll('_', ''));
  return value >= EPOCH_MS_RANGE[0] && value <= EPOCH_MS_RANGE[1];
}

/** Whether a line, outside comments, fixes a calendar date. */
function fixesDate(code: string): boolean {
  if (DATE_EXPRESSION.test(code)) return true;
  return [...code.matchAll(LONG_INTEGER)].some((match) => isEpochMilliseconds(match[0]));
}

/** The line without a trailing `//` comment, and empty for a line inside a block comment. */
function codeOf(line: string): string {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return '';
  const comment = line.search(/(?<![:'"`])\/\//);
  return comment === -1 ? line : line.slice(0, comment);
}

/**
 * The clock rules (DESIGN.md, "Time") that a file breaks. In a test file, a fixed calendar date
 * (`Date.UTC(…)`, `new Date('2026-…')`, `Date.parse('…')`, or an epoch-milliseconds literal
 * between 2000 and 2100) is refused unless it is handed to the test clock on the same line
 * (`testClock({ pinnedAt: … })`): a date fixed anywhere else meets code that reads the real now,
 * and the test passes only in one week. In a source file, `Date.now()` is refused: product code
 * takes "now" from an injected clock, whose one reading of the machine's time is `systemClock`.
 *
 * @example
 * ```ts
 * fixedDateFindings('const clock = { now: Date.UTC(2026, 10, 20, 12) };', 'test');
 * // [{ line: 1, text: 'const clock = { now: Date.UTC(2026, 10, 20, 12) };', rule: 'fixed-date-in-test' }]
 * ```
 */
export function fixedDateFindings(source: string, kind: 'test' | 'source'): FixedDateFinding[] {
  const findings: FixedDateFinding[] = [];
  source.split('\n').forEach((text, index) => {
    const code = codeOf(text);
    if (kind === 'test' && fixesDate(code) && !PINNED_CLOCK.test(code))
      findings.push({ line: index + 1, text: text.trim(), rule: 'fixed-date-in-test' });
    if (kind === 'source' && SYSTEM_CLOCK.test(code)) findings.push({ line: index + 1, text: text.trim(), rule: 'system-clock-in-source' });
  });
  return findings;
}
