/**
 * The npm round trips: the library and each pack packed with `npm pack`, installed with `npm install` into empty
 * folders, type-checked, planned and tested there (≈ 125 s of CPU, a third of `npm test`'s wall time on two cores).
 * `npm test` (jest.config.js) leaves them to `npm run test:package` (jest.package.config.js), which `.ci/run` runs
 * right after it: both gate CI, and `npm test` stays within its five minutes.
 */
module.exports.PACKAGE_ROUND_TRIPS = ["test/package/consumer.test.ts", "test/package/packs.test.ts", "test/package/library-build.test.ts"];

/**
 * Node flags of the jest process, which jest-worker passes on to its workers (`process.execArgv`); the plans and packs
 * the tests spawn start with their own arguments and do not inherit them. A 64 MB young generation (V8's default
 * semi-space tops out at 16 MB) means fewer scavenges while each test file loads the SDK and the providers into a
 * fresh module registry: jest on test/components measured 88.4 → 85.2 s of CPU (two interleaved rounds each). It
 * changes no result; plans were measured with it too and did not get cheaper, so they are left as users run them.
 */
module.exports.JEST_NODE_FLAGS = ["--max-semi-space-size=64"];
