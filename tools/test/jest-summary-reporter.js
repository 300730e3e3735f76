// Writes one JSON file per Jest run into .reports/jest/, read by tools/test/run-all.mjs to print
// the closing "N passed, N failed" line across every project and target.
const fs = require('node:fs');
const path = require('node:path');

const REPORT_DIR = path.join(__dirname, '..', '..', '.reports', 'jest');

class JestSummaryReporter {
  constructor(globalConfig, options = {}) {
    this.kind = options.kind ?? 'test';
    this.fallbackName = path.basename(globalConfig.rootDir);
  }

  /** Jest configs set displayName to the Nx project name, so reports line up with Nx tasks. */
  projectName(contexts) {
    const displayName = [...contexts][0]?.config.displayName;
    return (typeof displayName === 'string' ? displayName : displayName?.name) ?? this.fallbackName;
  }

  onRunComplete(contexts, results) {
    const project = this.projectName(contexts);
    fs.mkdirSync(REPORT_DIR, { recursive: true });
    const failedTests = results.testResults.flatMap((file) =>
      file.testResults.filter((test) => test.status === 'failed').map((test) => `${path.relative(process.cwd(), file.testFilePath)} › ${test.fullName}`),
    );
    // A suite that fails to load runs no test, yet it is a failure: count it as one.
    const brokenSuites = results.testResults.filter((file) => file.testExecError || (file.failureMessage && file.numFailingTests === 0));
    const summary = {
      project,
      kind: this.kind,
      passed: results.numPassedTests,
      failed: results.numFailedTests + brokenSuites.length,
      skipped: results.numPendingTests + results.numTodoTests,
      failedTests: [...failedTests, ...brokenSuites.map((file) => `${path.relative(process.cwd(), file.testFilePath)} (suite failed to run)`)],
    };
    fs.writeFileSync(path.join(REPORT_DIR, `${project}.${this.kind}.json`), JSON.stringify(summary, null, 2));
  }
}

module.exports = JestSummaryReporter;
