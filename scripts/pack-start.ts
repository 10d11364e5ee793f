/**
 * Pack start-up latency: spawn to `GetAnalyzerInfo` answered, per pack, as the compiled build (`plan` and the test
 * kit) and, with `--source`, as TypeScript started the way `pulumi preview --policy-pack policy/<pack>` starts it
 * (ts-node with type-check, from a copy of policy/ outside this package). Figures only: `npm run pack:start`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startPolicyPack } from "../src/testing/analyzer";
import { bundledPackDirs, packageRoot } from "../src/testing/pack-build";

async function timeStart(dir: string): Promise<{ millis: number; policies: number }> {
  const started = process.hrtime.bigint();
  const client = await startPolicyPack(dir);
  try {
    const info = await client.info();
    return { millis: Number(process.hrtime.bigint() - started) / 1e6, policies: info.policies.length };
  } finally {
    await client.close();
  }
}

/** A copy of policy/ beside a link to this checkout's node_modules: TypeScript packs that are not ours to compile. */
function sourceCopy(): string {
  const root = packageRoot();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "pp-pack-src-"));
  fs.cpSync(path.join(root, "policy"), path.join(copy, "policy"), { recursive: true });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}

async function main(): Promise<void> {
  const source = process.argv.includes("--source");
  const copy = source ? sourceCopy() : undefined;
  try {
    for (const dir of bundledPackDirs()) {
      const target = copy ? path.join(copy, "policy", path.basename(dir)) : dir;
      await timeStart(target); // warm-up: builds the compiled pack once, fills the OS file cache
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await timeStart(target));
      const ms = runs.map((r) => r.millis).sort((a, b) => a - b);
      process.stdout.write(`${path.basename(dir).padEnd(20)} ${source ? "typescript" : "compiled  "} start→GetAnalyzerInfo median ${ms[1].toFixed(0)} ms (min ${ms[0].toFixed(0)}, max ${ms[2].toFixed(0)}), ${runs[0].policies} policies\n`);
    }
  } finally {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
