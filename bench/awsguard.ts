/**
 * The peer row of `npm run bench` (issue 22): `@pulumi/awsguard` (Pulumi's own AWS pack, a dev dependency) and our
 * aws-baseline, each alone on the same stack through the same CLI and protocol, against the program-only plan.
 * awsguard ships as a library; its README's three-line pack (`new AwsGuard({ all: "advisory" })`) is written into
 * the package cache so it resolves `@pulumi/policy` and `@pulumi/awsguard` from this checkout, as a user's pack would.
 * Its three policies that call AWS APIs (aws-sdk) while analysing are disabled through a `--policy-pack-config` file
 * (as a user would; the engine's Configure replaces what the pack set in code): offline they can only crash.
 */
import * as fs from "fs";
import * as path from "path";
import { median, PlanFigures, runPlan, Table } from "./plans";

const ROOT = path.resolve(__dirname, "..");
/** awsguard 0.3.1 policies that call AWS (security.js: ACM DescribeCertificate, IAM ListAccessKeys, ListMFADevices). */
const CLOUD_ONLY = ["acm-certificate-expiration", "access-keys-rotated", "mfa-enabled-for-iam-console-access"];

/** The awsguard pack folder, or undefined when the dev dependency is not installed. */
export function awsguardPack(): string | undefined {
  let version: string;
  try {
    version = JSON.parse(fs.readFileSync(require.resolve("@pulumi/awsguard/package.json", { paths: [ROOT] }), "utf8")).version;
  } catch {
    return undefined;
  }
  const dir = path.join(ROOT, "node_modules", ".cache", "production-platform", `awsguard-pack-${version.replace(/^v/, "")}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "awsguard-bench", version: "0.0.0", main: "index.js" }));
  const settings = { all: "advisory", ...Object.fromEntries(CLOUD_ONLY.map((p) => [p, "disabled"])) };
  fs.writeFileSync(path.join(dir, "index.js"), `const { AwsGuard } = require("@pulumi/awsguard");\nnew AwsGuard(${JSON.stringify(settings)});\n`);
  fs.writeFileSync(path.join(dir, "offline.json"), JSON.stringify(settings, null, 2));
  return dir;
}

/**
 * Program-only, then each AWS pack alone, `rounds` interleaved rounds on one stack; each figure is its median over
 * the rounds (one round's load can move a plan by ±10 %, more than the difference being measured).
 */
export function awsguardRows(stack: string, rounds: number): Table {
  const guard = awsguardPack();
  const rows: Table = [["pack (alone, --stack " + stack + ")", "findings", "start CPU s (own)", "pack CPU s (own)", "plan s (CPU s)", "× program only (wall, CPU)", "goal"]];
  if (!guard) return [...rows, ["@pulumi/awsguard", "not installed (npm ci installs the dev dependency)", "", "", "", "", ""]];
  const ours = path.join(ROOT, "policy", "aws-baseline");
  const runs: { bare: PlanFigures; guard: PlanFigures; ours: PlanFigures }[] = [];
  for (let round = 0; round < rounds; round++) {
    runs.push({
      bare: runPlan(["--stack", stack, "--no-policy"]),
      guard: runPlan(["--stack", stack, "--policy-pack", guard, "--policy-pack-config", path.join(guard, "offline.json")]),
      ours: runPlan(["--stack", stack, "--policy-pack", ours]),
    });
  }
  const of = (figure: (r: PlanFigures) => number, which: "guard" | "ours") => median(runs.map((run) => figure(run[which])));
  const row = (name: string, which: "guard" | "ours", goal: string) => [
    name,
    runs[0][which].findings,
    (of((r) => r.packs[0]?.startCpuMillis ?? NaN, which) / 1000).toFixed(2),
    (of((r) => r.packs[0]?.cpuMillis ?? NaN, which) / 1000).toFixed(2),
    `${of((r) => r.wallSeconds, which).toFixed(1)} (${of((r) => r.cpuSeconds, which).toFixed(1)})`,
    `${median(runs.map((run) => run[which].wallSeconds / run.bare.wallSeconds)).toFixed(2)}, ${median(runs.map((run) => run[which].cpuSeconds / run.bare.cpuSeconds)).toFixed(2)}`,
    goal,
  ];
  return [...rows, row("@pulumi/awsguard 0.3.1", "guard", "peer"), row("aws-baseline", "ours", "ahead of awsguard on each")];
}
