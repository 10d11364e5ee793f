/** `npm run test:package`: only the npm round trips that `npm test` leaves out (test/support/suites.js). */
const base = require("./jest.config.js");
const { PACKAGE_ROUND_TRIPS } = require("./test/support/suites");

module.exports = {
  ...base,
  testMatch: PACKAGE_ROUND_TRIPS.map((f) => `<rootDir>/${f}`),
  testPathIgnorePatterns: ["/node_modules/"],
};
