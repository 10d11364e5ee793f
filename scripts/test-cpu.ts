/**
 * `npm run test:cpu [-- <jest args>]`: runs jest with the CPU ledger of test/support/environment.js and prints each
 * test file's CPU (its worker's own plus every child process it waited for: plans, packs, npm), slowest first, and the
 * total. CPU, not wall: on a shared machine wall time measures the neighbours. `--json <file>` also writes the rows.
 *
 * A plan shared between test files (test/support/plans.ts) is charged to the file that produced it first; the other
 * files read it for free, so compare totals, and per-file figures only between runs of the same set of files.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

interface Row {
  readonly file: string;
  readonly self: number;
  readonly children: number;
  readonly wall: number;
}

const ROOT = path.resolve(__dirname, "..");
const { JEST_NODE_FLAGS } = require("../test/support/suites") as { JEST_NODE_FLAGS: string[] };

function main(argv: string[]): number {
  const jsonAt = argv.indexOf("--json");
  const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && !jsonFile) {
    process.stderr.write("error: --json needs a file name, e.g. npm run test:cpu -- --json out/test-cpu.json\n");
    return 2;
  }
  const jestArgs = jsonAt >= 0 ? [...argv.slice(0, jsonAt), ...argv.slice(jsonAt + 2)] : argv;
  const ledger = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "test-cpu-")), "ledger.jsonl");
  const started = process.hrtime.bigint();
  const jest = spawnSync(process.execPath, [...JEST_NODE_FLAGS, require.resolve("jest/bin/jest"), ...jestArgs], { cwd: ROOT, stdio: "inherit", env: { ...process.env, JEST_CPU_LEDGER: ledger } });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (!fs.existsSync(ledger)) {
    process.stderr.write("test:cpu: no CPU ledger was written (it reads /proc/self/stat: Linux only), so no figures\n");
    return jest.status ?? 1;
  }
  const rows: Row[] = fs.readFileSync(ledger, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  rows.sort((a, b) => b.self + b.children - (a.self + a.children));
  const fmt = (n: number) => n.toFixed(1).padStart(7);
  process.stdout.write(`\n    cpu s   own s  children s   wall s  file\n`);
  for (const r of rows) process.stdout.write(`${fmt(r.self + r.children)} ${fmt(r.self)} ${fmt(r.children)}     ${fmt(r.wall)}  ${path.relative(ROOT, r.file)}\n`);
  const own = rows.reduce((n, r) => n + r.self, 0);
  const children = rows.reduce((n, r) => n + r.children, 0);
  const [load1] = os.loadavg();
  process.stdout.write(`${fmt(own + children)} ${fmt(own)} ${fmt(children)}     total over ${rows.length} test file(s); jest ${wall.toFixed(0)} s wall, load ${load1.toFixed(1)} at the end\n`);
  if (jsonFile) fs.writeFileSync(jsonFile, `${JSON.stringify({ wallSeconds: wall, rows }, null, 2)}\n`);
  return jest.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
