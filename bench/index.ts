/**
 * `npm run bench`: figures, not verdicts (issue 22). Prints, in one run: plan time per stack program-only vs with
 * every pack (interleaved rounds, wall and CPU ratios), each pack's start, the synthetic program's CPU per resource
 * and peak RSS at 1k/5k/10k/20k/28k resources (with every pack at 1k and 20k), each size beside the SDK's own mocks
 * running the same program (the floor), the `@pulumi/awsguard` peer row, rule throughput per pack in-process and
 * through the analyzer protocol against a no-op pack, and big objects. Goals are
 * printed next to the figures; the machine's load average is printed before and after, since a shared machine's
 * figures are only indicative.
 *
 * `--pack <name>` (repeatable): only those packs' throughput. `--quick`: one round, synthetic sizes up to 5k, throughput at 1k.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PACK_RULES } from "./pack-rules";
import { contextFor, Rule, runRule } from "../policy/common/finding";
import { AnalyzerResource, startPolicyPack } from "../src/testing/analyzer";
import { inProcess as pssInProcess, largePodMillis, workloads } from "./pod-security";
import { bigClusterRole, bigDeployment, bigPod } from "../test/policy/common/big-objects";
import { stackPlans, syntheticScaling, syntheticSizes } from "./plans";
import { awsguardRows } from "./awsguard";
import { packStartRows } from "./pack-start";

const ROOT = path.resolve(__dirname, "..");
const ALL_PACKS = ["aws-baseline", "kubernetes-cis", "pod-security", "runtime-coherence", "workload-resilience"];
/** `npm run bench -- --pack <name>` (repeatable): only those packs' throughput, no plan wall times. */
const ONLY = process.argv.flatMap((a, i, all) => (a === "--pack" && all[i + 1] ? [all[i + 1]] : []));
const PACKS = ONLY.length > 0 ? ALL_PACKS.filter((p) => ONLY.includes(p)) : ALL_PACKS;
const NOOP = path.join(ROOT, "test", "fixtures", "noop-pack");
const QUICK = process.argv.includes("--quick");
/** Throughput sizes; the 10k run is one round (best of two would add minutes to a bench that must stay under 20). */
const SIZES = QUICK ? [1000] : [1000, 10000];
/** In-process passes after the first whose best is the "steady" figure. */
const STEADY_PASSES = 8;

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function table(rows: (string | number)[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  for (const row of rows) console.log(row.map((c, i) => (typeof c === "number" ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  "));
}

/** A stack-shaped mix: workloads (with some violations), namespaces, RBAC, buckets with settings, databases. */
export function syntheticStack(count: number): AnalyzerResource[] {
  const deployments = workloads(Math.ceil(count / 2));
  const out: AnalyzerResource[] = [];
  for (let i = 0; out.length < count; i++) {
    out.push(deployments[i % deployments.length] as AnalyzerResource);
    const n = `r${i}`;
    const urn = (type: string) => `urn:pulumi:bench::bench::${type}::${n}`;
    const extra: AnalyzerResource[] = [
      { type: "kubernetes:core/v1:Namespace", name: n, urn: urn("kubernetes:core/v1:Namespace"), props: { metadata: { name: n, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } } },
      { type: "kubernetes:rbac.authorization.k8s.io/v1:Role", name: n, urn: urn("kubernetes:rbac.authorization.k8s.io/v1:Role"), props: { metadata: { name: n, namespace: "apps" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get"] }] } },
      { type: "aws:s3/bucket:Bucket", name: n, urn: urn("aws:s3/bucket:Bucket"), props: { bucket: n } },
      { type: "aws:rds/cluster:Cluster", name: n, urn: urn("aws:rds/cluster:Cluster"), props: { engine: "aurora-postgresql", storageEncrypted: true, kmsKeyId: "arn:aws:kms:us-east-1:1:key/k", backupRetentionPeriod: 7, deletionProtection: true } },
    ];
    out.push(extra[i % extra.length]);
  }
  return out.slice(0, count);
}

function rulesInProcess(rules: readonly Rule[], resources: AnalyzerResource[]): number {
  const subjects = resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn ?? r.name, props: r.props }));
  const ctx = contextFor("prod");
  const start = process.hrtime.bigint();
  for (const rule of rules) runRule(rule, subjects as never, ctx);
  return seconds(start);
}

const IN_PROCESS: Record<string, (resources: AnalyzerResource[]) => number> = {
  "aws-baseline": (r) => rulesInProcess(PACK_RULES["aws-baseline"], r),
  "kubernetes-cis": (r) => rulesInProcess(PACK_RULES["kubernetes-cis"], r),
  "workload-resilience": (r) => rulesInProcess(PACK_RULES["workload-resilience"], r),
  "runtime-coherence": (r) => rulesInProcess(PACK_RULES["runtime-coherence"], r),
  "pod-security": (r) => pssInProcess(r as never),
};

function peakRssMiB(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** Analyze every resource (16 in flight, as the engine does) and AnalyzeStack once; best of `rounds`. */
async function throughProtocol(dir: string, resources: AnalyzerResource[], rounds: number): Promise<{ seconds: number; rssMiB: number }> {
  const pack = await startPolicyPack(dir, { config: { all: "mandatory" } });
  try {
    await pack.analyzeStack(resources.slice(0, 100));
    let best = Infinity;
    for (let round = 0; round < rounds; round++) {
      const start = process.hrtime.bigint();
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < resources.length) await pack.analyze(resources[next++]);
      }));
      await pack.analyzeStack(resources);
      best = Math.min(best, seconds(start));
    }
    return { seconds: best, rssMiB: peakRssMiB(pack.pid) };
  } finally {
    await pack.close();
  }
}

/**
 * One throughput table. Every protocol run comes before this size's in-process passes, so that no pack's protocol
 * figure pays the garbage the passes leave in this process and the no-op's does not (they used to alternate). The
 * no-op pack runs before and after the packs, both printed, and each ratio is against the faster of the two: the
 * stricter one. Measured at 10k, one round each: the no-op moved 750 → 506 / 538 resources/s between two runs.
 */
async function throughputRows(resources: AnalyzerResource[], rounds: number): Promise<(string | number)[][]> {
  const size = resources.length;
  const noopBefore = await throughProtocol(NOOP, resources, rounds);
  const protocol = new Map<string, { seconds: number; rssMiB: number }>();
  for (const pack of PACKS) protocol.set(pack, await throughProtocol(path.join(ROOT, "policy", pack), resources, rounds));
  const noopAfter = await throughProtocol(NOOP, resources, rounds);
  const noop = Math.min(noopBefore.seconds, noopAfter.seconds);
  const rows: (string | number)[][] = [["pack", "in-process, first pass", `in-process, steady (best of ${STEADY_PASSES})`, "protocol", "× no-op time", "pack peak RSS MiB"]];
  rows.push(["no-op (protocol floor), before / after", "-", "-", `${Math.round(size / noopBefore.seconds)} / ${Math.round(size / noopAfter.seconds)}`, 1, noopBefore.rssMiB]);
  let allFirst = 0;
  let allSteady = 0;
  for (const pack of PACKS) {
    // First pass: what a fresh pack process pays, its rules compiled by the JIT as they run. Steady: the best of the
    // STEADY_PASSES passes after it, what the rules cost once compiled (at 1k resources V8 is still tiering the rules
    // up after the third pass: docs/architecture.md has the passes measured one by one).
    const first = IN_PROCESS[pack](resources);
    const steady = Math.min(...Array.from({ length: STEADY_PASSES }, () => IN_PROCESS[pack](resources)));
    const { seconds: through, rssMiB } = protocol.get(pack)!;
    allFirst += first;
    allSteady += steady;
    rows.push([pack, Math.round(size / first), Math.round(size / steady), Math.round(size / through), Number((through / noop).toFixed(2)), rssMiB]);
  }
  const slowest = Math.max(...[...protocol.values()].map((p) => p.seconds));
  rows.push([ONLY.length > 0 ? "selected packs" : "all packs", Math.round(size / allFirst), Math.round(size / allSteady), `${Math.round(size / slowest)} (in parallel, slowest pack)`, "", ""]);
  return rows;
}

/** Milliseconds the rules of each pack take on one huge object (issue 18: linear in the object's size). */
export function bigObjects(): void {
  console.log("\nBig objects (ms per object, in-process; target: milliseconds, linear in the object's size)");
  const objects = [
    ["Deployment, 5,000 containers", bigDeployment(5000)],
    ["ClusterRole, 10,000 rules", bigClusterRole(10000)],
    ["Pod, 20,000 volumes", bigPod(20000)],
  ] as const;
  const rows: (string | number)[][] = [["object", "aws-baseline", "kubernetes-cis", "workload-resilience"]];
  for (const [label, subject] of objects) {
    const ms = (rules: readonly Rule[]) => {
      const start = process.hrtime.bigint();
      for (const rule of rules) runRule(rule, [subject], contextFor("prod"));
      return Number((seconds(start) * 1000).toFixed(1));
    };
    rows.push([label, ms(PACK_RULES["aws-baseline"]), ms(PACK_RULES["kubernetes-cis"]), ms(PACK_RULES["workload-resilience"])]);
  }
  table(rows);
}

function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" / ");
}

/** The plan-level rows: committed stacks, pack starts, the synthetic program's scaling and the awsguard peer. */
async function planFigures(): Promise<void> {
  const rounds = QUICK ? 1 : 2;
  console.log("Plan per stack, program only vs every pack (seconds; CPU = plan process + pack processes)");
  const { plans, starts } = stackPlans(["dev", "staging", "prod"], rounds);
  table(plans);
  console.log("\nPack start inside those plans: the pack process's own CPU until it served its port (seconds)");
  table(starts);
  console.log("\nPack start alone, spawn to GetAnalyzerInfo answered (median of " + (QUICK ? 1 : 3) + "; the engine runs no code cache)");
  table(await packStartRows(ROOT, ALL_PACKS, QUICK ? 1 : 3));
  const sizes = syntheticSizes().filter((n) => !QUICK || n <= 5000);
  const withPacks = [sizes[0], ...sizes.filter((n) => n === 20000)];
  console.log(`\nSynthetic program (bench/synthetic), program only; with every pack at ${withPacks.join(" and ")}; under each size, the SDK's own mocks (pulumi.runtime.setMocks) running it`);
  table(syntheticScaling(sizes, withPacks));
  console.log("\nPeer: @pulumi/awsguard vs aws-baseline, each alone on the prod stack, same CLI and protocol");
  table(awsguardRows("prod", QUICK ? 1 : 3));
}

async function main(): Promise<void> {
  console.log(`production-platform bench — node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load average ${loadAverage()} (1 / 5 / 15 min)\n`);

  if (ONLY.length > 0 && PACKS.length !== ONLY.length) throw new Error(`unknown pack in --pack ${ONLY.join(", ")}; packs: ${ALL_PACKS.join(", ")}`);
  if (ONLY.length === 0) await planFigures();
  for (const size of SIZES) {
    console.log(`\nRule throughput on ${size} synthetic resources (resources/s; targets: in-process all packs ≥ 20,000; protocol within 1.3× of no-op)`);
    table(await throughputRows(syntheticStack(size), size > 1000 ? 1 : 2));
  }
  bigObjects();
  console.log("\npod-security on one large pod (ms; target: linear, 20,000 ≈ 4 × 5,000)");
  table([["volumes + containers", "ms", "ms, last container's securityContext unknown"], ...[5000, 20000].map((n) => [n, largePodMillis(n), largePodMillis(n, true)])]);
  console.log(`\nBench process peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB; load average at the end ${loadAverage()}`);
}

if (require.main === module) main().catch((err) => {
  console.error(err);
  process.exit(1);
});
