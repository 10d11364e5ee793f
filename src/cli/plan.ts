/**
 * `production-platform plan`: runs a Pulumi program offline, checks it with every policy pack, writes what it would
 * deploy and what the packs think of it. Exit codes: 0 no mandatory violation, 1 mandatory violations,
 * 2 bad usage or bad config, 3 the program itself failed.
 */
import * as fs from "fs";
import * as path from "path";
import { PackSpec, PolicySession } from "./policy-run";
import { bundledPackDirs } from "../testing/pack-build";
import { exemptionsFor, packSpecs, resolveEnvironment, ResolvedEnvironment } from "./plan-inputs";
import { PackConfigError } from "../testing/pack-config";
import { stopAllPacks } from "../testing/analyzer";
import { loadProject, UsageError } from "./project";
import { buildPolicyReport, manifestFiles, PolicyReport, resourcesDocument, sourceLocator } from "./report";
import { decidabilityLine, findingSummary, toJunit, toMarkdown, toSarif } from "./formats";
import { planGraph } from "./graph";
import { ProgramError, runProgram } from "./run-program";
import type { RecordedResource, ResourceRecorder } from "../testing/mocks";
import type { FidelityMode } from "../testing/engine";
import { unjudgedRun } from "./unjudged";
import { PlanProgress } from "./progress";

/** The pack's "ready" progress message (policy-run.ts), counted as one more pack ready. */
const READY = /^policy pack \S+ ready in /;

export const ExitCode = { Ok: 0, MandatoryViolations: 1, BadInput: 2, ProgramFailed: 3 } as const;

export interface PlanOptions {
  readonly stack: string;
  /** Directory of the Pulumi project to run (default: the current directory). */
  readonly program?: string;
  /** Output directory (default: `out/<stack>` under the current directory). */
  readonly out?: string;
  /** Pack directories to run instead of every pack under this package's `policy/`. */
  readonly policyPacks?: readonly string[];
  /** Skip policy packs entirely. */
  readonly noPolicy?: boolean;
  /**
   * `first-preview` (default): as a new stack's first `pulumi preview`, every computed output unknown.
   * `after-deploy`: as the preview after an `up`, outputs known. See src/testing/engine.ts.
   */
  readonly mode?: FidelityMode;
  /** Keep the SDK's per-promise stack traces (slower; for tracing a program that hangs or leaks promises). */
  readonly debug?: boolean;
  /** One `--policy-pack-config` file per `policyPacks` entry, same order (as the Pulumi CLI). */
  readonly policyPackConfigs?: readonly string[];
  /** Exemptions file applied by every pack instead of each pack's `../exemptions.yaml`. */
  readonly exemptions?: string;
  /** Environment whose pack configs apply, overriding the stack's `production-platform:environment`. */
  readonly environment?: string;
  readonly log?: (line: string) => void;
}

export interface PlanResult {
  readonly exitCode: number;
  /** The environment enforcement followed, and where it came from. */
  readonly environment?: ResolvedEnvironment;
  readonly outDir?: string;
  readonly report?: PolicyReport;
  readonly timings?: PlanTimings;
}

/** What `--json` reports of the run's cost (figures for `npm run bench` and CI dashboards; nothing gates on them). */
export interface PlanTimings {
  readonly programMillis: number;
  readonly policyMillis: number;
  readonly totalMillis: number;
  /** CPU (user + system) of the plan process itself; pack processes are listed in `packs`. */
  readonly cpuMillis: number;
  /** Peak resident set size of the plan process (MiB). */
  readonly peakRssMiB: number;
  /** Milliseconds from the program's start to its first resource, when the packs were started (none: no pack ran). */
  readonly packsStartedAtMillis?: number;
  /**
   * Per pack: `startMillis` spawn to port (the plan's responsive time), `startCpuMillis` the pack's own CPU by then,
   * `readyAtMillis` from its start to configured (wall), `millis` from its start to its last answer, `cpuMillis` all.
   */
  readonly packs: readonly { readonly name: string; readonly startMillis?: number; readonly startCpuMillis?: number; readonly readyAtMillis?: number; readonly millis: number; readonly cpuMillis?: number }[];
}

/** The nearest directory holding a package.json: this package's root from `src/cli` and from `dist/src/cli`. */
function findPackageRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) || path.dirname(dir) === dir ? dir : findPackageRoot(path.dirname(dir));
}

/** The directory this package is installed in: its own packs live under `policy/`. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content.endsWith("\n") ? content : `${content}\n`);
}

/** Replaces `outDir` with the plan's files; returns how many manifests were written. */
function writePlanFiles(outDir: string, recorder: ResourceRecorder, report: PolicyReport, programFile: string): number {
  fs.rmSync(outDir, { recursive: true, force: true });
  writeFile(path.join(outDir, "resources.json"), JSON.stringify(resourcesDocument(recorder), null, 2));
  const manifests = manifestFiles(recorder);
  for (const [file, content] of manifests) writeFile(path.join(outDir, "manifests", file), content);
  writeFile(path.join(outDir, "policy-report.json"), JSON.stringify(report, null, 2));
  writeFile(path.join(outDir, "policy-report.sarif"), JSON.stringify(toSarif(report, programFile), null, 2));
  writeFile(path.join(outDir, "policy-report.junit.xml"), toJunit(report));
  const graph = planGraph(recorder, report.findings);
  writeFile(path.join(outDir, "graph.mmd"), graph);
  writeFile(path.join(outDir, "policy-report.md"), toMarkdown(report, { graph }));
  return manifests.size;
}

interface PlanInputs {
  readonly project: ReturnType<typeof loadProject>;
  readonly environment: ResolvedEnvironment;
  readonly specs: PackSpec[];
  readonly everyPolicy?: Record<string, unknown>;
  readonly exemptionsFile?: string;
}

/** Reads and validates everything before anything runs; a UsageError here exits 2 with nothing started. */
function readInputs(options: PlanOptions, programDir: string): PlanInputs {
  const project = loadProject(programDir, options.stack);
  const environment = resolveEnvironment(project, options.environment);
  const explicit = (options.policyPacks?.length ?? 0) > 0;
  const packDirs = options.noPolicy ? [] : explicit ? options.policyPacks!.map((p) => path.resolve(p)) : bundledPackDirs(PACKAGE_ROOT);
  for (const dir of packDirs) {
    if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) throw new UsageError(`${dir} is not a policy pack (no PulumiPolicy.yaml)`);
  }
  const configFiles = options.noPolicy ? [] : (options.policyPackConfigs ?? []);
  const specs = packSpecs(packDirs, explicit, configFiles, environment.environment, environment.configName);
  return { project, environment, specs, everyPolicy: exemptionsFor(packDirs, options.exemptions), exemptionsFile: exemptionsFileOf(packDirs, options.exemptions) };
}

/** The exemptions the plan's own findings (unjudged components) honour: `--exemptions`, else the packs' shared file. */
function exemptionsFileOf(packDirs: readonly string[], flag?: string): string | undefined {
  if (flag !== undefined) return path.resolve(flag);
  return [...packDirs.map((d) => path.join(d, "..", "exemptions.yaml")), path.join(PACKAGE_ROOT, "policy", "exemptions.yaml")].find((f) => fs.existsSync(f));
}

/** Stack tags the CLI sets from the project (`pulumi:project`, `pulumi:runtime`); service-side tags do not exist offline. */
function stackTags(project: PlanInputs["project"]): Record<string, string> {
  return { "pulumi:project": project.name, "pulumi:runtime": "nodejs" };
}

/**
 * Packs start once the program runs (its first resource after the root stack), so a program that rejects its own
 * config fails fast with no pack started; they then analyse every resource as it registers, like the engine.
 */
function lazySession(inputs: PlanInputs, progress: PlanProgress) {
  let session: PolicySession | undefined;
  let root: { resource: RecordedResource; recorder: ResourceRecorder } | undefined;
  let failed: (err: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  const { project } = inputs;
  let startedAt: bigint | undefined;
  const start = () => {
    startedAt = process.hrtime.bigint();
    session = PolicySession.start(inputs.specs, {
      stack: project.stack,
      project: project.name,
      config: project.config,
      secretKeys: project.secretKeys,
      tags: stackTags(project),
      everyPolicy: inputs.everyPolicy,
      onProgress: (m) => (READY.test(m) ? progress.packReady(`  ${m}`) : progress.log(`  ${m}`)),
      onAnalysed: () => progress.analysed(),
    });
    session.failure.catch(failed);
    return session;
  };
  return {
    failure,
    get startedAt() {
      return startedAt;
    },
    onResource(resource: RecordedResource, recorder: ResourceRecorder) {
      progress.registered();
      if (inputs.specs.length === 0) return;
      if (!session && resource.type === "pulumi:pulumi:Stack") return void (root = { resource, recorder });
      const s = session ?? start();
      if (root) s.analyze(root.resource, root.recorder);
      root = undefined;
      s.analyze(resource, recorder);
    },
    get session() {
      return session;
    },
  };
}

function usageError(err: unknown, log: (line: string) => void): PlanResult | undefined {
  if (err instanceof UsageError || err instanceof PackConfigError) {
    log(`error: ${err.message}`);
    return { exitCode: ExitCode.BadInput };
  }
  return undefined;
}

export async function plan(options: PlanOptions): Promise<PlanResult> {
  const baseLog = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = process.hrtime.bigint();
  const programDir = path.resolve(options.program ?? process.cwd());
  const outDir = path.resolve(options.out ?? path.join(process.cwd(), "out", options.stack));

  let inputs: PlanInputs;
  try {
    inputs = readInputs(options, programDir);
  } catch (err) {
    const result = usageError(err, baseLog);
    if (result) return result;
    throw err;
  }
  // A live line only on a terminal of our own (not when a caller takes the log lines); plain lines otherwise.
  const progress = new PlanProgress({ isTTY: options.log === undefined && process.stderr.isTTY === true, write: (t) => process.stderr.write(t), line: baseLog }, inputs.specs.length);
  const log = (line: string) => progress.log(line);
  const unguard = progress.guard(process.stderr);
  try {
    return await runPlan(options, inputs, progress, log, started, outDir);
  } finally {
    progress.stop();
    unguard();
  }
}

type ProgramRun = Awaited<ReturnType<typeof runProgram>>;
type PackRun = Awaited<ReturnType<PolicySession["finish"]>>[number];

/** The notes a plan opens with: what the stack file cannot give offline, the environment, what runs. */
function logPlanStart(options: PlanOptions, inputs: PlanInputs, log: (line: string) => void, programDir: string, mode: FidelityMode): void {
  const { project, environment, specs } = inputs;
  if (!project.stackFile) log(`note: no Pulumi.${options.stack}.yaml in ${programDir}; running with the project's defaults only`);
  if (project.escEnvironments.length > 0) {
    log(`note: ${path.basename(project.stackFile!)} imports Pulumi ESC environment(s) ${project.escEnvironments.join(", ")}: they cannot be resolved offline, so config and secrets they provide are missing from this plan`);
  }
  log(environment.failClosed ? `note: ${environment.source}` : `  environment ${environment.environment} (from ${environment.source})`);
  log(`▶ running ${path.relative(process.cwd(), project.main) || project.main} as ${project.name}/${project.stack} (offline, ${mode}) with ${specs.length} policy pack(s): ${specs.map((s) => path.basename(s.dir)).join(", ") || "none"}`);
}

/** Runs the program with the packs analysing as it registers; a failed program or pack ends the plan with its result. */
async function runWithPacks(
  options: PlanOptions,
  inputs: PlanInputs,
  packs: ReturnType<typeof lazySession>,
  progress: PlanProgress,
  log: (line: string) => void,
  outDir: string,
  mode: FidelityMode,
): Promise<{ run: ProgramRun } | { result: PlanResult }> {
  const { project, environment } = inputs;
  try {
    return { run: await Promise.race([runProgram(project, { mode, debug: options.debug, onResource: packs.onResource }), packs.failure]) };
  } catch (err) {
    progress.stop();
    await packs.session?.close();
    await stopAllPacks();
    if (err instanceof ProgramError) {
      log(`${err.invalidInput ? "error: invalid configuration" : "error: the program failed"}:\n${err.message}`);
      // Nothing half-built: a failed run leaves no plan files behind to be mistaken for a good one.
      fs.rmSync(outDir, { recursive: true, force: true });
      return { result: { exitCode: err.invalidInput ? ExitCode.BadInput : ExitCode.ProgramFailed, environment } };
    }
    const result = usageError(err, log);
    if (result) return { result: { ...result, environment } };
    throw err;
  }
}

/** Each pack's findings once every resource was analysed (a bad pack config ends the plan with its result). */
async function finishPacks(
  packs: ReturnType<typeof lazySession>,
  recorder: ResourceRecorder,
  progress: PlanProgress,
  log: (line: string) => void,
  environment: ResolvedEnvironment,
): Promise<{ runs: PackRun[] } | { result: PlanResult }> {
  try {
    return { runs: packs.session ? [...(await packs.session.finish(recorder))] : [] };
  } catch (err) {
    progress.stop();
    await stopAllPacks();
    const result = usageError(err, log);
    if (result) return { result: { ...result, environment } };
    throw err;
  }
}

function planTimings(run: ProgramRun, policyMillis: number, started: bigint, programStarted: bigint, packsStartedAt: bigint | undefined, runs: readonly PackRun[]): PlanTimings {
  const totalMillis = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    programMillis: run.millis,
    policyMillis,
    totalMillis,
    cpuMillis: cpuMillisOf(process.cpuUsage()),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    packsStartedAtMillis: packsStartedAt === undefined ? undefined : Math.round(Number(packsStartedAt - programStarted) / 1e6),
    packs: runs.map((r) => ({
      name: r.info.name,
      startMillis: r.startMillis,
      startCpuMillis: r.startCpuMillis,
      readyAtMillis: r.readyAtMillis === undefined ? undefined : Math.round(r.readyAtMillis),
      millis: Math.round(r.millis),
      cpuMillis: r.cpuMillis,
    })),
  };
}

async function runPlan(options: PlanOptions, inputs: PlanInputs, progress: PlanProgress, log: (line: string) => void, started: bigint, outDir: string): Promise<PlanResult> {
  const { project, environment } = inputs;
  const programDir = path.resolve(options.program ?? process.cwd());
  const mode = options.mode ?? "first-preview";
  logPlanStart(options, inputs, log, programDir, mode);
  const packs = lazySession(inputs, progress);
  const programStarted = process.hrtime.bigint();
  const ran = await runWithPacks(options, inputs, packs, progress, log, outDir, mode);
  if ("result" in ran) return ran.result;
  const { run } = ran;
  const recorder = run.recorder;
  log(`✔ program registered ${recorder.resources.length} resources in ${(run.millis / 1000).toFixed(1)} s`);
  const policyStarted = process.hrtime.bigint();
  const finished = await finishPacks(packs, recorder, progress, log, environment);
  if ("result" in finished) return finished.result;
  const { runs } = finished;
  progress.stop();
  // What no pack could see is reported, per component, as a finding of its own (mandatory in prod).
  if (!options.noPolicy && recorder.unjudged.length > 0) runs.push(unjudgedRun(recorder.unjudged, { environment: environment.environment, exemptionsFile: inputs.exemptionsFile }));
  const policyMillis = Number(process.hrtime.bigint() - policyStarted) / 1e6;
  const report = buildPolicyReport(project.name, project.stack, recorder.resources.length, runs, {
    mode,
    unjudged: recorder.unjudged,
    resourceTypes: recorder.resources.map((r) => r.type),
    locate: sourceLocator(recorder, programDir),
  });
  const manifestCount = writePlanFiles(outDir, recorder, report, path.relative(programDir, project.main).split(path.sep).join("/"));
  logSummary(log, outDir, manifestCount, report);
  return {
    exitCode: report.summary.mandatory > 0 ? ExitCode.MandatoryViolations : ExitCode.Ok,
    environment,
    outDir,
    report,
    timings: planTimings(run, policyMillis, started, programStarted, packs.startedAt, runs),
  };
}

function cpuMillisOf(usage: NodeJS.CpuUsage): number {
  return Math.round((usage.user + usage.system) / 1000);
}

function logSummary(log: (line: string) => void, outDir: string, manifestCount: number, report: PolicyReport): void {
  const { mandatory, advisory, exempted } = report.summary;
  log(`✔ wrote ${path.relative(process.cwd(), outDir) || outDir}: resources.json, ${manifestCount} manifests, graph.mmd, policy-report.{json,sarif,junit.xml,md}`);
  const notSeen = report.unjudged.length > 0 ? ` — ${report.unjudged.length} component(s) or Helm release(s) not judged, so this score does not cover them` : "";
  for (const c of report.compliance) log(`  compliance ${c.framework}: ${c.percent === null ? "not applicable (nothing in the program is judged by it)" : `${c.passed}/${c.applicable} controls (${c.percent}%)${notSeen}`}`);
  for (const u of report.unjudged) log(`  [not judged] ${u.type} ${u.urn}: ${u.why}`);
  log(`${mandatory > 0 ? "✘" : "✔"} ${mandatory} mandatory, ${advisory} advisory, ${exempted} exempted finding(s)`);
  log(`  ${decidabilityLine(report)}`);
  for (const line of findingSummary(report)) log(line);
}
