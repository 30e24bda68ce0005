// esbuild's synchronous API runs its service on a worker thread by default; loaded again by each test
// file, those workers outlived the run and jest never exited. One esbuild process per call instead.
process.env.ESBUILD_WORKER_THREADS = "0";

/** @type {import('jest').Config} */
const tsJest = ["ts-jest", { tsconfig: "tsconfig.json" }];

module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": tsJest },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  globalSetup: "<rootDir>/test/support/globalSetup.ts",
  globalTeardown: "<rootDir>/test/support/globalTeardown.ts",
  testTimeout: 30000,
  reporters: ["default", "<rootDir>/test/support/summaryReporter.js"],
  // Once seen in CI: the run passed, then jest waited on a handle it could not name. Locally the
  // warning stays visible (to find leaks); in CI a passed run must not hang until the time limit.
  forceExit: Boolean(process.env.CI),
};
