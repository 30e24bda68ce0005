/**
 * The unit lane (`npm run test:unit`): tests that need no Azurite, no network and no Bicep CLI, so it
 * starts nothing and runs in seconds. A test belongs here when it is under test/scim/, test/lib/
 * or test/repository/, or its file is named `*.unit.test.ts`; `npm test` runs every test, these included.
 * @type {import('jest').Config}
 */
const { globalSetup: _setup, globalTeardown: _teardown, ...everyLane } = require("./jest.config");

module.exports = {
  ...everyLane,
  testMatch: [
    "<rootDir>/test/scim/**/*.test.ts",
    "<rootDir>/test/lib/**/*.test.ts",
    "<rootDir>/test/repository/**/*.test.ts",
    "<rootDir>/test/**/*.unit.test.ts",
  ],
  setupFiles: ["<rootDir>/test/support/unitLane.ts"],
};
