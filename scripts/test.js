#!/usr/bin/env node
/**
 * `npm test`: `tsc --noEmit`, ESLint and jest, started together; fails if any of them fails.
 *
 * Why together: tsc and ESLint are single-threaded (≈ 37 s of CPU between them), so run one after the other ahead of
 * jest they left one of the two cores idle for ≈ 40 s. Started beside jest they fill it. jest's output streams as it
 * comes; tsc's and ESLint's is printed whole when each ends, so nothing interleaves. If tsc or ESLint fails, jest is
 * stopped at once (its result would not land anyway) and the run exits 1; every child is stopped on SIGINT/SIGTERM,
 * so no process is left running. Arguments go to jest (`npm test -- test/cli`).
 */
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");
const { JEST_NODE_FLAGS } = require("../test/support/suites");
const bin = (pkg, file) => path.join(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [root] })), file);

const children = new Set();

/** Starts one step in its own process group (so stopping it stops its workers too). */
function start(name, args, { buffered }) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: buffered ? ["ignore", "pipe", "pipe"] : "inherit", detached: true });
  children.add(child);
  let output = "";
  if (buffered) {
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
  }
  const done = new Promise((resolve) => {
    child.on("error", (err) => resolve({ name, code: 1, output: `${output}${err.message}\n` }));
    child.on("close", (code, signal) => {
      children.delete(child);
      resolve({ name, code: code ?? (signal ? 1 : 0), output });
    });
  });
  return { child, done };
}

function stopAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopAll();
    process.exit(130);
  });
}

async function main() {
  const jest = start("jest", [...JEST_NODE_FLAGS, bin("jest", "bin/jest.js"), ...process.argv.slice(2)], { buffered: false });
  const checks = [
    start("tsc --noEmit", [bin("typescript", "bin/tsc"), "-p", "tsconfig.json", "--noEmit"], { buffered: true }),
    start("eslint", [bin("eslint", "bin/eslint.js"), "."], { buffered: true }),
  ];
  let failed = false;
  await Promise.all(
    checks.map(async ({ done }) => {
      const result = await done;
      const status = result.code === 0 ? "passed" : `failed (exit ${result.code})`;
      process.stderr.write(`\n── ${result.name} ${status}${result.output.trim() ? `:\n${result.output.trimEnd()}` : ""}\n`);
      if (result.code !== 0 && !failed) {
        failed = true;
        process.stderr.write("── stopping jest: this run cannot pass\n");
        try {
          process.kill(-jest.child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }),
  );
  const jestResult = await jest.done;
  return failed ? 1 : jestResult.code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    stopAll();
    process.stderr.write(`npm test: ${err.message}\n`);
    process.exit(1);
  },
);
