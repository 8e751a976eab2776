"use strict";
// Jest runs the TypeScript specs straight from the sources through ts-jest. Types are not
// checked here (tsconfig.json sets isolatedModules, so ts-jest only transpiles, file by
// file); `npm run typecheck` checks them.

const expectedNodeMajor = process.env.GIAMBIO_EXPECT_NODE_MAJOR;
if (expectedNodeMajor !== undefined) {
  // Lets .ci/run prove which Node.js runs the suite.
  process.stderr.write(`jest is running on Node.js ${process.version}\n`);
  if (process.versions.node.split(".")[0] !== expectedNodeMajor) {
    throw new Error(`Expected Node.js ${expectedNodeMajor}, got ${process.version}`);
  }
}

/** @type {import("jest").Config} */
module.exports = {
  testEnvironment: "<rootDir>/spec/support/environment.js",
  roots: ["<rootDir>/spec"],
  testMatch: ["<rootDir>/spec/**/*.spec.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { tsconfig: "<rootDir>/tsconfig.json" }],
  },
  moduleNameMapper: {
    "^giambio$": "<rootDir>/lib/index.ts",
    "^giambio/testing$": "<rootDir>/lib/testing.ts",
    "^giambio/worker$": "<rootDir>/lib/worker.ts",
  },
  setupFilesAfterEnv: ["<rootDir>/spec/support/setup.ts"],
  testResultsProcessor: "<rootDir>/spec/support/results-file.js",
  testTimeout: 10000,
  maxWorkers: 2,
  detectOpenHandles: false,
};
