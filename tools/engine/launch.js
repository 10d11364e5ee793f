#!/usr/bin/env node
// Starts a plugin from its TypeScript source: `launch.js provider <aws|kubernetes|random> ...` (the stand-in
// providers) or `launch.js host-bridge <real-host-dir> ...` (the bridge in front of the real language host).
// ts-node is registered in-process (swc, no type-check) rather than through TS_NODE_* variables, so nothing leaks
// into the environment of the programs and packs the language host starts.
"use strict";
const path = require("path");

const [which, ...args] = process.argv.slice(2);
const entries = { provider: "provider/main.ts", "host-bridge": "language-host/bridge.ts" };
if (!entries[which]) {
  process.stderr.write(`launch.js: unknown plugin '${which}' (expected ${Object.keys(entries).join(" or ")})\n`);
  process.exit(2);
}
require("ts-node").register({ transpileOnly: true, swc: true, project: path.join(__dirname, "..", "..", "tsconfig.json") });
require(path.join(__dirname, entries[which])).main(args).catch((err) => {
  process.stderr.write(`${which} stand-in: ${(err && err.message) || err}\n`);
  process.exit(2);
});
