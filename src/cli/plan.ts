/**
 * `production-platform plan`: runs a Pulumi program offline, checks it with every policy pack, writes what it would
 * deploy and what the packs think of it. Exit codes: 0 no mandatory violation, 1 mandatory violations,
 * 2 bad usage or bad config, 3 the program itself failed.
 */
import * as fs from "fs";
import * as path from "path";
import { PolicySession } from "./policy-run";
import { bundledPackDirs } from "../testing/pack-build";
import { loadProject, UsageError } from "./project";
import { buildPolicyReport, manifestFiles, PolicyReport, resourcesDocument, sourceLocator } from "./report";
import { findingSummary, toJunit, toMarkdown, toSarif } from "./formats";
import { planGraph } from "./graph";
import { ProgramError, runProgram } from "./run-program";
import type { ResourceRecorder } from "../testing/mocks";
import type { FidelityMode } from "../testing/engine";
import { unjudgedRun } from "./unjudged";

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
  readonly log?: (line: string) => void;
}

export interface PlanResult {
  readonly exitCode: number;
  readonly outDir?: string;
  readonly report?: PolicyReport;
  readonly timings?: { readonly programMillis: number; readonly policyMillis: number; readonly totalMillis: number };
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

/** The stack's environment as its config declares it (`<project>:environment`), else the stack's name. */
function environmentOf(project: { name: string; stack: string; config: Record<string, string> }): string {
  return project.config[`${project.name}:environment`] ?? project.stack;
}

export async function plan(options: PlanOptions): Promise<PlanResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const started = process.hrtime.bigint();
  const programDir = path.resolve(options.program ?? process.cwd());
  const outDir = path.resolve(options.out ?? path.join(process.cwd(), "out", options.stack));

  let project;
  try {
    project = loadProject(programDir, options.stack);
  } catch (err) {
    if (err instanceof UsageError) {
      log(`error: ${err.message}`);
      return { exitCode: ExitCode.BadInput };
    }
    throw err;
  }
  if (!project.stackFile) log(`note: no Pulumi.${options.stack}.yaml in ${programDir}; running with the project's defaults only`);
  if (project.escEnvironments.length > 0) {
    log(`note: ${path.basename(project.stackFile!)} imports Pulumi ESC environment(s) ${project.escEnvironments.join(", ")}: they cannot be resolved offline, so config and secrets they provide are missing from this plan`);
  }

  const packDirs = options.noPolicy ? [] : (options.policyPacks?.map((p) => path.resolve(p)) ?? bundledPackDirs(PACKAGE_ROOT));
  for (const dir of packDirs) {
    if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
      log(`error: ${dir} is not a policy pack (no PulumiPolicy.yaml)`);
      return { exitCode: ExitCode.BadInput };
    }
  }

  // Packs start while the program runs and see each resource as it registers, as under `pulumi preview`.
  const mode = options.mode ?? "first-preview";
  log(`▶ running ${path.relative(process.cwd(), project.main) || project.main} as ${project.name}/${project.stack} (offline, ${mode}) with ${packDirs.length} policy pack(s): ${packDirs.map((d) => path.basename(d)).join(", ") || "none"}`);
  let session: PolicySession;
  try {
    session = PolicySession.start(packDirs, { stack: project.stack, project: project.name, onProgress: (m) => log(`  ${m}`) });
  } catch (err) {
    if (err instanceof UsageError) {
      log(`error: ${err.message}`);
      return { exitCode: ExitCode.BadInput };
    }
    throw err;
  }
  let run;
  try {
    run = await runProgram(project, { mode, debug: options.debug, onResource: (resource, recorder) => session.analyze(resource, recorder) });
  } catch (err) {
    await session.close();
    if (err instanceof ProgramError) {
      log(`${err.invalidInput ? "error: invalid configuration" : "error: the program failed"}:\n${err.message}`);
      // Nothing half-built: a failed run leaves no plan files behind to be mistaken for a good one.
      fs.rmSync(outDir, { recursive: true, force: true });
      return { exitCode: err.invalidInput ? ExitCode.BadInput : ExitCode.ProgramFailed };
    }
    throw err;
  }
  const recorder = run.recorder;
  log(`✔ program registered ${recorder.resources.length} resources in ${(run.millis / 1000).toFixed(1)} s`);
  const policyStarted = process.hrtime.bigint();
  const runs = [...(await session.finish(recorder))];
  // What no pack could see is reported, per component, as a finding of its own (mandatory in prod).
  if (!options.noPolicy) {
    runs.push(unjudgedRun(recorder.unjudged, { environment: environmentOf(project), exemptionsFile: path.join(PACKAGE_ROOT, "policy", "exemptions.yaml") }));
  }
  const policyMillis = Number(process.hrtime.bigint() - policyStarted) / 1e6;

  const report = buildPolicyReport(project.name, project.stack, recorder.resources.length, runs, {
    mode,
    unjudged: recorder.unjudged,
    resourceTypes: recorder.resources.map((r) => r.type),
    locate: sourceLocator(recorder, programDir),
  });
  const manifestCount = writePlanFiles(outDir, recorder, report, path.relative(programDir, project.main).split(path.sep).join("/"));

  const { mandatory, advisory, exempted } = report.summary;
  log(`✔ wrote ${path.relative(process.cwd(), outDir) || outDir}: resources.json, ${manifestCount} manifests, graph.mmd, policy-report.{json,sarif,junit.xml,md}`);
  const notSeen = report.unjudged.length > 0 ? ` — ${report.unjudged.length} component(s) not judged, so this score does not cover them` : "";
  for (const c of report.compliance) log(`  compliance ${c.framework}: ${c.percent === null ? "not applicable (nothing in the program is judged by it)" : `${c.passed}/${c.applicable} controls (${c.percent}%)${notSeen}`}`);
  for (const u of report.unjudged) log(`  [not judged] ${u.type} ${u.urn}: ${u.why}`);
  log(`${mandatory > 0 ? "✘" : "✔"} ${mandatory} mandatory, ${advisory} advisory, ${exempted} exempted finding(s)`);
  for (const line of findingSummary(report)) log(line);
  const totalMillis = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    exitCode: mandatory > 0 ? ExitCode.MandatoryViolations : ExitCode.Ok,
    outDir,
    report,
    timings: { programMillis: run.millis, policyMillis, totalMillis },
  };
}
