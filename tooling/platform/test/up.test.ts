import { waddleMigrations } from '@waddle/waddle-schema/migrations';
import { describe, expect, it } from 'vitest';
import { up } from '../src/commands/up.ts';
import { localTarget } from '../src/targets/local-target.ts';
import { temporaryStateDirectory } from './registry-fixture.ts';

describe('waddle up (data part)', () => {
  it('migrates, provisions and seeds the demo platform once, and a second run changes nothing', async () => {
    const target = localTarget(temporaryStateDirectory());
    const first: string[] = [];
    expect(await up({ workers: false, target, log: (line) => first.push(line), messagesPerWaddle: 120 })).toBe(true);
    expect(first.filter((l) => l.startsWith('provisioned waddle'))).toHaveLength(3);
    const table = (lines: string[]) => lines.slice(lines.findIndex((l) => l.startsWith('database')));
    expect(table(first).join('\n')).toMatch(
      new RegExp(`waddle penguins \\(#1\\) +local-waddle-penguins +${waddleMigrations.at(-1)!.name} +20 +\\d+`),
    );

    const second: string[] = [];
    expect(await up({ workers: false, target, log: (line) => second.push(line), messagesPerWaddle: 120 })).toBe(true);
    expect(second[0]).toBe('every database is up to date');
    expect(second.some((l) => l.startsWith('provisioned') || l.startsWith('seeded'))).toBe(false);
    expect(table(second)).toEqual(table(first));
  });
});
