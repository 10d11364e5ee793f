/** Jest runs TypeScript through swc (no type-check here: `npm run typecheck` does that once for the whole tree). */

// The npm round trips run under `npm run test:package` (see the file).
const { PACKAGE_ROUND_TRIPS } = require("./test/support/suites");

module.exports = {
  // Node's environment with Node's stack trace limit, and a per-file CPU ledger for `npm run test:cpu` (see the file).
  testEnvironment: "<rootDir>/test/support/environment.js",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", ...PACKAGE_ROUND_TRIPS.map((f) => `<rootDir>/${f}$`)],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 300000,
  // Two workers on two cores: many suites wait on child processes (policy packs, the CLI), so one worker idles.
  maxWorkers: 2,
  globalSetup: "<rootDir>/test/support/global-setup.ts",
};
