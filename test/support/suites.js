/**
 * The npm round trips: the library and each pack packed with `npm pack`, installed with `npm install` into empty
 * folders, type-checked, planned and tested there (≈ 125 s of CPU, a third of `npm test`'s wall time on two cores).
 * `npm test` (jest.config.js) leaves them to `npm run test:package` (jest.package.config.js), which `.ci/run` runs
 * right after it: both gate CI, and `npm test` stays within its five minutes.
 */
module.exports.PACKAGE_ROUND_TRIPS = ["test/package/consumer.test.ts", "test/package/packs.test.ts", "test/package/library-build.test.ts"];
