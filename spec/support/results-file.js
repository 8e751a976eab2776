"use strict";
// jest's testResultsProcessor: receives the same aggregated results that `jest --json`
// prints, and, when GIAMBIO_TEST_RESULTS names a file, writes them there. .ci/run reads
// the totals from it, so that `npm test` runs exactly as the README shows it.

const fs = require("node:fs");

module.exports = function writeResults(results) {
  const file = process.env.GIAMBIO_TEST_RESULTS;
  if (file) {
    const { numTotalTests, numPassedTests, numFailedTests, numPendingTests, success } = results;
    fs.writeFileSync(
      file,
      JSON.stringify({ numTotalTests, numPassedTests, numFailedTests, numPendingTests, success }),
    );
  }
  return results;
};
