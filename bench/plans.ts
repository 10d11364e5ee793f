/**
 * Plan-level figures for `npm run bench` (issue 22): each committed stack planned program-only and with every pack,
 * interleaved so a change in the machine's load hits both alike; each pack's start; and the synthetic program
 * (bench/synthetic) at growing sizes, program-only and with every pack, with CPU per resource and peak memory, each
 * size beside the same program under the SDK's own mocks (bench/sdk-floor.ts: the SDK's share of that cost).
 * Every run is the real CLI in its own process, as users and CI run it; the figures come from its `--json` timings.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { floorPackDirs } from "./floor-packs";
import { sdkFloor } from "./sdk-floor";

const ROOT = path.resolve(__dirname, "..");
const SYNTHETIC = path.join(__dirname, "synthetic");

export interface PlanFigures {
  readonly resources: number;
  readonly wallSeconds: number;
  readonly programSeconds: number;
  /** CPU of the plan process plus every pack process. */
  readonly cpuSeconds: number;
  readonly planCpuSeconds: number;
  readonly peakRssMiB: number;
  /** Findings of every pack (the plan's own unjudged-component findings included). */
  readonly findings: number;
  readonly packs: readonly { readonly name: string; readonly startMillis?: number; readonly startCpuMillis?: number; readonly cpuMillis?: number }[];
  /** Seconds from the program's start until the last pack was configured (undefined: no pack ran). */
  readonly packsReadySeconds?: number;
}

/** One `plan` run; throws with its log when it does not finish with exit 0 or 1 (1: mandatory findings, still a plan). */
export function runPlan(args: readonly string[], nodeArgs: readonly string[] = []): PlanFigures {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...nodeArgs, path.join(ROOT, "bin", "production-platform.js"), "plan", ...args, "--out", out, "--json"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  fs.rmSync(out, { recursive: true, force: true });
  if (result.status !== 0 && result.status !== 1) throw new Error(`plan ${args.join(" ")} exited ${result.status}: ${(result.stderr ?? "").slice(-2000)}`);
  const summary = JSON.parse(result.stdout);
  const t = summary.timings;
  const packCpu = (t.packs as { cpuMillis?: number }[]).reduce((sum, p) => sum + (p.cpuMillis ?? 0), 0);
  const registered = /program registered (\d+) resources/.exec(result.stderr ?? "");
  const readyAt = (t.packs as { readyAtMillis?: number }[]).map((p) => p.readyAtMillis).filter((m): m is number => m !== undefined);
  return {
    resources: registered ? Number(registered[1]) : 0,
    wallSeconds,
    programSeconds: t.programMillis / 1000,
    cpuSeconds: (t.cpuMillis + packCpu) / 1000,
    planCpuSeconds: t.cpuMillis / 1000,
    peakRssMiB: t.peakRssMiB,
    findings: (summary.summary?.mandatory ?? 0) + (summary.summary?.advisory ?? 0) + (summary.summary?.exempted ?? 0),
    packs: t.packs,
    packsReadySeconds: t.packsStartedAtMillis === undefined || readyAt.length === 0 ? undefined : (t.packsStartedAtMillis + Math.max(...readyAt)) / 1000,
  };
}

function fixed(n: number, digits = 2): number {
  return Number(n.toFixed(digits));
}

/** The median of `values` (the upper middle one for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export type Table = (string | number)[][];

/** Program-only vs with packs per stack, `rounds` interleaved rounds; ratios per round, then their median. */
export function stackPlans(stacks: readonly string[], rounds: number): { plans: Table; starts: Table } {
  const plans: Table = [["stack", "resources", "program only s (CPU s)", "with packs s (CPU s)", "wall ratio per round", "CPU ratio (median)", "goal", "packs ready at s / program s (goal: overlapped)", "no-op twins s (CPU s): the @pulumi/policy floor", "twins' CPU ratio"]];
  const starts = new Map<string, number[]>();
  const twins = floorPackDirs().flatMap((dir) => ["--policy-pack", dir]);
  for (const stack of stacks) {
    const wall: number[] = [];
    const cpu: number[] = [];
    const floorCpu: number[] = [];
    let last: { bare: PlanFigures; full: PlanFigures; floor: PlanFigures } | undefined;
    for (let round = 0; round < rounds; round++) {
      const bare = runPlan(["--stack", stack, "--no-policy"]);
      const full = runPlan(["--stack", stack]);
      const floor = runPlan(["--stack", stack, ...twins]);
      wall.push(full.wallSeconds / bare.wallSeconds);
      cpu.push(full.cpuSeconds / bare.cpuSeconds);
      floorCpu.push(floor.cpuSeconds / bare.cpuSeconds);
      for (const p of full.packs) if (p.startCpuMillis !== undefined) starts.set(p.name, [...(starts.get(p.name) ?? []), p.startCpuMillis]);
      last = { bare, full, floor };
    }
    const { bare, full, floor } = last!;
    const seconds = (f: PlanFigures) => `${fixed(f.wallSeconds, 1)} (${fixed(f.cpuSeconds, 1)})`;
    plans.push([stack, full.resources, seconds(bare), seconds(full), wall.map((r) => fixed(r)).join(", "), fixed(median(cpu)), "≤ 1.3×", `${fixed(full.packsReadySeconds ?? NaN, 1)} / ${fixed(full.programSeconds, 1)}`, seconds(floor), fixed(median(floorCpu))]);
  }
  const startRows: Table = [["pack", "own CPU to serving in the plan, s (each run)", "median", "goal"]];
  for (const [name, ms] of [...starts].sort()) startRows.push([name, ms.map((m) => fixed(m / 1000)).join(", "), fixed(median(ms) / 1000), "≤ 0.3 s"]);
  return { plans, starts: startRows };
}

/** The synthetic program at each size: program only (ms per resource, peak RSS) and, where asked, with every pack. */
export function syntheticScaling(sizes: readonly number[], withPacks: readonly number[]): Table {
  const rows: Table = [["resources", "program s", "program CPU ms/resource", "peak RSS MiB", "with packs CPU ms/resource", "× the smallest size", "goal"]];
  let base: number | undefined;
  for (const size of sizes) {
    let bare: PlanFigures;
    try {
      bare = runPlan(["--program", SYNTHETIC, "--stack", `r${size}`, "--no-policy"]);
    } catch (err) {
      // A size that does not plan (heap exhausted) is a figure too: say so and go on with the other rows.
      rows.push([size, "did not finish", (err as Error).message.split("\n")[0].slice(0, 120), "-", "-", "-", size >= 28000 ? "≤ 2048 MiB" : "linear"]);
      continue;
    }
    let perResource: string | number = "-";
    let ratio: string | number = "-";
    if (withPacks.includes(size)) {
      try {
        const full = runPlan(["--program", SYNTHETIC, "--stack", `r${size}`]);
        const ms = (full.cpuSeconds * 1000) / full.resources;
        base ??= ms;
        perResource = fixed(ms);
        ratio = fixed(ms / base);
      } catch (err) {
        perResource = `did not finish: ${(err as Error).message.split("\n")[0].slice(0, 80)}`;
      }
    }
    rows.push([bare.resources, fixed(bare.programSeconds, 1), fixed((bare.cpuSeconds * 1000) / bare.resources), bare.peakRssMiB, perResource, ratio, size >= 28000 ? "≤ 2048 MiB" : "linear; with packs ≤ 1.5× of 1k"]);
    rows.push(floorRow(size));
  }
  return rows;
}

/** The row under a size's plan: the same program under the SDK's own mocks (bench/sdk-floor.ts), the SDK's share. */
function floorRow(size: number): (string | number)[] {
  const label = "the SDK's own mocks (floor)";
  try {
    const floor = sdkFloor(SYNTHETIC, `r${size}`);
    return [`${floor.resources} ${label}`, fixed(floor.programSeconds, 1), fixed((floor.cpuSeconds * 1000) / floor.resources), floor.peakRssMiB, "-", "-", "the SDK's part of the row above"];
  } catch (err) {
    return [`${size} ${label}`, "did not finish", (err as Error).message.split("\n")[0].slice(0, 120), "-", "-", "-", "-"];
  }
}

/** The sizes bench/synthetic has stack files for. */
export function syntheticSizes(): number[] {
  return fs
    .readdirSync(SYNTHETIC)
    .map((f) => /^Pulumi\.r(\d+)\.yaml$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}
