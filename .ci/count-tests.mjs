// Sums the test runner's own reports (Vitest's JSON reporter, one file per package) into the
// line CI reads: `tests: N passed, N failed`. A package with a test script but no report counts
// as a failure, so a crashed run cannot pass unnoticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let missing = 0;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(group)) {
    const manifest = join(group, name, 'package.json');
    if (!existsSync(manifest) || !JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test) continue;
    const report = join(group, name, 'test-results', 'vitest.json');
    if (!existsSync(report)) {
      console.log(`${group}/${name}: no test report (the run did not finish)`);
      missing += 1;
      continue;
    }
    const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(report, 'utf8'));
    console.log(`${group}/${name}: ${numPassedTests} passed, ${numFailedTests} failed`);
    passed += numPassedTests;
    failed += numFailedTests;
  }
}
console.log(`tests: ${passed} passed, ${failed + missing} failed`);
process.exitCode = failed + missing > 0 ? 1 : 0;
