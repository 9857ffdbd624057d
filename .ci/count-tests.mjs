// Sums the test runner's own reports (Vitest's JSON reporter, one file per package) into the
// line CI reads: `tests: N passed, N failed`. A package with a test script but no report counts
// as a failure, so a crashed run cannot pass unnoticed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
let missing = 0;
for (const group of ['packages', 'apps', 'tooling']) {
  for (const name of readdirSync(group)) {
    const manifest = join(group, name, 'package.json');
    if (!existsSync(manifest) || !JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test) continue;
    const report = join(group, name, 'test-results', 'vitest.json');
    if (!existsSync(report)) {
      console.log(`${group}/${name}: no test report (the run did not finish)`);
      missing += 1;
      continue;
    }
    const { numPassedTests, numFailedTests, testResults } = JSON.parse(readFileSync(report, 'utf8'));
    // A file whose setup failed reports its tests as skipped, not failed: each of them counts as a
    // failure here (at least one per such file), so a broken beforeAll cannot pass unnoticed.
    const failedBeforeRunning = testResults
      .filter((file) => file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed'))
      .reduce((sum, file) => sum + Math.max(1, file.assertionResults.filter((test) => test.status !== 'passed').length), 0);
    const packageFailed = numFailedTests + failedBeforeRunning;
    console.log(`${group}/${name}: ${numPassedTests} passed, ${packageFailed} failed`);
    passed += numPassedTests;
    failed += packageFailed;
  }
}
console.log(`tests: ${passed} passed, ${failed + missing} failed`);
process.exitCode = failed + missing > 0 ? 1 : 0;
