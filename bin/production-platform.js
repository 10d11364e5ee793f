#!/usr/bin/env node
// Runs the compiled CLI when the package was built (npm consumers), else the TypeScript sources (this repository).
const fs = require("fs");
const path = require("path");

const compiled = path.join(__dirname, "..", "dist", "src", "cli", "main.js");
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "tsconfig.json") });
  cli = require("../src/cli/main.ts");
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`internal error: ${(err && err.stack) || err}\n`);
    process.exit(3);
  },
);
