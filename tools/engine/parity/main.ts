/**
 * `npm run parity`: the same programs under the real Pulumi engine and under the offline plan, compared.
 *
 * For dev, staging, prod and the insecure fixture: `pulumi preview` with every pack under policy/ and its
 * config/<env>.json on a fresh file backend (a first preview, as `plan` emulates it), the policy events compared with
 * plan's policy-report.json (pack, policy, URN, enforcement) and the resource URNs with test/golden/<stack>.urns
 * (the fixture: with plan's resources.json); then `pulumi up --yes` with advisory configs against the stand-in
 * providers, and a second preview that must show no changes. Exit 0 only when nothing differs; 2 when the engine
 * is not built. Differences are written to out/parity/<target>.json with both sides' messages.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { discoverPacks } from "../../../src/cli/policy-run";
import { readGolden, urnLines } from "../../../scripts/golden";
import { advisoryConfig, changeCount, diffMultiset, findingKey, isDefaultProvider, packDiagnostics, planFindings, type EngineRun, type MultisetDiff } from "./compare";
import { languageHost, operation, PULUMI, policyArgs, pulumi, workspace, type PackArg, type Workspace } from "./engine";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const OUT = path.join(ROOT, "out", "parity");

interface Target {
  readonly name: string;
  /** Program directory relative to the repository root. */
  readonly program: string;
  readonly stack: string;
  /** Which config/<env>.json of each pack applies. */
  readonly env: string;
  readonly golden: boolean;
}

const TARGETS: readonly Target[] = [
  { name: "dev", program: ".", stack: "dev", env: "dev", golden: true },
  { name: "staging", program: ".", stack: "staging", env: "staging", golden: true },
  { name: "prod", program: ".", stack: "prod", env: "prod", golden: true },
  // The fixture is judged with the strictest (prod) configs, as test/policy/common/insecure-program.test.ts does.
  { name: "insecure", program: "test/fixtures/insecure-program", stack: "prod", env: "prod", golden: false },
];

const COPY_SKIP = new Set(["node_modules", ".git", "out", "dist", "coverage", "bin"]);

/** A copy of the repository to run in: `stack init` writes an encryption salt into Pulumi.<stack>.yaml. */
function copyRepository(dest: string): void {
  fs.cpSync(ROOT, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(ROOT, src);
      const top = rel.split(path.sep)[0];
      return rel === "" || !(COPY_SKIP.has(top) || rel === path.join("tools", "engine", "bin") || rel === path.join("docs", "api"));
    },
  });
  fs.cpSync(path.join(ROOT, "bin"), path.join(dest, "bin"), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dest, "node_modules"), "dir");
}

function packArgs(repo: string, env: string, dir: string, advisory: boolean): PackArg[] {
  return discoverPacks(path.join(repo, "policy")).map((pack) => {
    const source = path.join(pack, "config", `${env}.json`);
    const config = fs.existsSync(source) ? JSON.parse(fs.readFileSync(source, "utf8")) : {};
    const file = path.join(dir, `${path.basename(pack)}.${advisory ? "advisory" : env}.json`);
    fs.writeFileSync(file, JSON.stringify(advisory ? advisoryConfig(config) : config, null, 2));
    return { dir: pack, config: file };
  });
}

/** Runs the offline plan on the same program; returns its report and URN lines. */
function runPlan(target: Target, outDir: string): { report: any; urns: string[] } {
  const args = [path.join(ROOT, "bin", "production-platform.js"), "plan", "--stack", target.stack, "--program", path.join(ROOT, target.program), "--out", outDir];
  const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (res.status !== 0 && res.status !== 1) throw new Error(`plan for ${target.name} failed (exit ${res.status}):\n${res.stderr}`);
  const report = JSON.parse(fs.readFileSync(path.join(outDir, "policy-report.json"), "utf8"));
  const urns = urnLines(JSON.parse(fs.readFileSync(path.join(outDir, "resources.json"), "utf8")));
  return { report, urns };
}

interface TargetResult {
  readonly name: string;
  readonly findingsAgree: number;
  readonly findingsDiffer: number;
  readonly urnsDiffer: number;
  readonly problems: string[];
}

function engineProblems(label: string, run: EngineRun, code: number, mayFail: boolean): string[] {
  const problems: string[] = [];
  if (!run.sawSummary) problems.push(`${label}: the engine never finished (no summary event); see the log`);
  // With mandatory findings the engine ends the preview with the bare error "preview failed": expected then, and
  // only then. Any other error (a program or plugin failure) is a problem.
  const expectedFailure = mayFail && run.findings.some((f) => f.enforcement === "mandatory");
  for (const e of run.errors) if (!(expectedFailure && e === "preview failed")) problems.push(`${label}: ${e.split("\n")[0]}`);
  if (code !== 0 && !mayFail) problems.push(`${label}: pulumi exited ${code}`);
  return problems;
}

/** What one target's engine operations returned. */
type Operation = Awaited<ReturnType<typeof operation>>;

/** The result of a target that stopped before anything was compared. */
function failedTarget(target: Target, problem: string): TargetResult {
  return { name: target.name, findingsAgree: 0, findingsDiffer: 0, urnsDiffer: 0, problems: [problem] };
}

/** "No warning about the pack itself" (issue 14): any diagnostic of any of the runs that is about a pack. */
function packProblems(repo: string, runs: readonly (readonly [string, EngineRun])[]): string[] {
  const problems: string[] = [];
  const packs = discoverPacks(path.join(repo, "policy")).map((dir) => ({ name: path.basename(dir), dir }));
  for (const [label, run] of runs) {
    for (const m of packDiagnostics([...run.warnings, ...run.errors], packs, ["preview failed"])) problems.push(`${label}: about a pack: ${m.split("\n")[0]}`);
  }
  return problems;
}

/** out/parity/<target>.json: both sides' counts, every difference with its messages, the problems and the logs. */
function writeDetail(target: Target, ops: { preview: Operation; up: Operation; again: Operation }, plan: { report: any; urns: string[] }, findings: MultisetDiff, urns: MultisetDiff, problems: string[]): void {
  const { preview, up, again } = ops;
  fs.mkdirSync(OUT, { recursive: true });
  const detail = {
    target: target.name,
    stack: target.stack,
    engine: { findings: preview.run.findings.length, resources: preview.run.urns.length, warnings: preview.run.warnings, exit: preview.result.code },
    plan: { findings: plan.report.findings.length, resources: plan.urns.length },
    findings: { agree: findings.agree, engineOnly: findings.onlyLeft, planOnly: findings.onlyRight },
    urns: { agree: urns.agree, engineOnly: urns.onlyLeft, expectedOnly: urns.onlyRight, defaultProviders: preview.run.urns.filter(isDefaultProvider) },
    upChanges: up.run.changes,
    rePreviewChanges: again.run.changes,
    problems,
    logs: { preview: preview.logFile, up: up.logFile, rePreview: again.logFile },
  };
  fs.writeFileSync(path.join(OUT, `${target.name}.json`), `${JSON.stringify(detail, null, 2)}\n`);
}

/** Prints a target's summary line and its problems; its result. */
function summarize(target: Target, findings: MultisetDiff, urns: MultisetDiff, upCode: number, changes: number, problems: string[]): TargetResult {
  const differ = findings.onlyLeft.length + findings.onlyRight.length;
  const urnsDiffer = urns.onlyLeft.length + urns.onlyRight.length;
  console.log(
    `parity ${target.name}: ${findings.agree} findings agree, ${differ} differ (engine-only ${findings.onlyLeft.length}, plan-only ${findings.onlyRight.length}); ` +
      `${urns.agree} URNs agree, ${urnsDiffer} differ; up ${upCode === 0 ? "ok" : `exit ${upCode}`}; re-preview ${changes} change(s)` +
      (problems.length ? `; ${problems.length} problem(s)` : ""),
  );
  for (const p of problems) console.log(`  ✘ ${p}`);
  return { name: target.name, findingsAgree: findings.agree, findingsDiffer: differ, urnsDiffer, problems };
}

async function runTarget(target: Target, base: string, repo: string): Promise<TargetResult> {
  const ws: Workspace = workspace(path.join(base, target.name));
  const cwd = path.join(repo, target.program);
  const problems: string[] = [];
  const step = async (name: string, args: string[]) => operation(ws, name, args, cwd);

  const init = await pulumi(ws, ["stack", "init", target.stack], cwd, path.join(ws.root, "stack-init.log"));
  if (init.code !== 0) {
    console.log(`parity ${target.name}: ✘ pulumi stack init failed: ${init.output.trim()}`);
    return failedTarget(target, `stack init failed`);
  }

  const preview = await step("preview", ["preview", "--stack", target.stack, ...policyArgs(packArgs(repo, target.env, ws.root, false))]);
  let plan: { report: any; urns: string[] };
  try {
    plan = runPlan(target, path.join(ws.root, "plan"));
  } catch (err) {
    // A plan that fails is this target's failure, not the end of the run: the other targets still say something.
    console.log(`parity ${target.name}: ✘ ${(err as Error).message.split("\n")[0]}`);
    return failedTarget(target, "plan failed");
  }
  const hasMandatory = plan.report.findings.some((f: any) => f.enforcement === "mandatory");
  problems.push(...engineProblems("preview", preview.run, preview.result.code, hasMandatory));

  const findings = diffMultiset(preview.run.findings.map(findingKey), planFindings(plan.report).map(findingKey));
  const expectedUrns = target.golden ? (readGolden(target.stack) ?? []) : plan.urns;
  const urns = diffMultiset(preview.run.urns.filter((u) => !isDefaultProvider(u)), expectedUrns);

  const up = await step("up", ["up", "--yes", "--skip-preview", "--stack", target.stack, ...policyArgs(packArgs(repo, target.env, ws.root, true))]);
  problems.push(...engineProblems("up", up.run, up.result.code, false));
  const again = await step("re-preview", ["preview", "--stack", target.stack, "--expect-no-changes"]);
  problems.push(...engineProblems("re-preview", again.run, again.result.code, false));
  problems.push(...packProblems(repo, [["preview", preview.run], ["up", up.run], ["re-preview", again.run]]));
  const changes = changeCount(again.run.changes);
  if (changes > 0) problems.push(`re-preview after up: ${changes} change(s): ${JSON.stringify(again.run.changes)}`);

  writeDetail(target, { preview, up, again }, plan, findings, urns, problems);
  return summarize(target, findings, urns, up.result.code, changes, problems);
}

export async function main(argv: string[]): Promise<number> {
  if (!fs.existsSync(PULUMI)) {
    console.error(`error: ${path.relative(ROOT, PULUMI)} is missing. Build the engine first: tools/engine/build.sh`);
    return 2;
  }
  const only = argv.filter((a) => !a.startsWith("-"));
  const unknown = only.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length) {
    console.error(`error: unknown target(s) ${unknown.join(", ")}; choose from ${TARGETS.map((t) => t.name).join(", ")}`);
    return 2;
  }
  const host = languageHost();
  if (!host.real) {
    console.error(`error: ${host.description}. Build it first: tools/engine/build.sh`);
    return 2;
  }
  console.log(`parity: engine ${path.relative(ROOT, PULUMI)}; language host: ${host.description}`);
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "parity-"));
  const keep = argv.includes("--keep");
  try {
    const repo = path.join(base, "repo");
    copyRepository(repo);
    const results: TargetResult[] = [];
    const chosen = only.length === 0 ? TARGETS : only.map((n) => TARGETS.find((t) => t.name === n) as Target);
    for (const target of chosen) {
      const started = Date.now();
      results.push(await runTarget(target, base, repo));
      console.log(`  (${target.name}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    const agree = results.reduce((n, r) => n + r.findingsAgree, 0);
    const differ = results.reduce((n, r) => n + r.findingsDiffer, 0);
    const other = results.reduce((n, r) => n + r.urnsDiffer + r.problems.length, 0);
    if (other > 0) console.log(`parity: ${other} URN difference(s) or engine problem(s); details in ${path.relative(ROOT, OUT)}/`);
    console.log(`parity: ${agree} findings agree, ${differ} differ`);
    return differ === 0 && other === 0 ? 0 : 1;
  } finally {
    if (keep) console.log(`kept ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`parity: ${(err as Error).message}`);
      process.exit(3);
    },
  );
}
