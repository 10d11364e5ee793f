#!/usr/bin/env node
// Installed from npm (…/node_modules/production-platform/bin): runs the compiled CLI in dist/. In a checkout: runs the
// TypeScript sources, always, so a dist/ left behind by `npm pack` or `npm run build` is never run by mistake.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const installed = path.resolve(root).split(path.sep).includes("node_modules");
let cli;
if (installed) {
  const compiled = path.join(root, "dist", "src", "cli", "main.js");
  if (!fs.existsSync(compiled)) {
    process.stderr.write(`error: ${compiled} is missing: this copy of production-platform was installed without its build; reinstall it from the npm registry or a tarball made by \`npm pack\`\n`);
    process.exit(2);
  }
  cli = require(compiled);
} else {
  require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(root, "tsconfig.json") });
  cli = require("../src/cli/main.ts");
}
cli.main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    // A bug of ours, not bad input: say so, with the stack only when asked for (PP_DEBUG=1).
    const detail = process.env.PP_DEBUG ? (err && err.stack) || err : (err && err.message) || err;
    process.stderr.write(`internal error: ${detail}\n(this is a bug in production-platform; PP_DEBUG=1 shows where)\n`);
    process.exit(3);
  },
);
