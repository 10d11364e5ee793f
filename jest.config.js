/** Jest runs TypeScript through swc (no type-check here: `npm run typecheck` does that once for the whole tree). */
module.exports = {
  // Node's environment with Node's stack trace limit, and a per-file CPU ledger for `npm run test:cpu` (see the file).
  testEnvironment: "<rootDir>/test/support/environment.js",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 300000,
  // Two workers on two cores: many suites wait on child processes (policy packs, the CLI), so one worker idles.
  maxWorkers: 2,
  globalSetup: "<rootDir>/test/support/global-setup.ts",
};
