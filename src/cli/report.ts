/**
 * Turns a recorded program and its policy findings into the plan's files. Everything is sorted and free of
 * timestamps so the same input gives byte-identical output; secrets are replaced before anything is written.
 */
import * as path from "path";
import { fileURLToPath } from "url";
import * as YAML from "yaml";
import { EnforcementLevel, PolicyInfo } from "../testing/analyzer";
import { RecordedResource, ResourceRecorder } from "../testing/mocks";
import { redact, redactLeaves } from "../testing/wire";
import { FRAMEWORK_INFO } from "../../policy/common/metadata";
import { Control, FrameworkScore, scoreCompliance as scoreControls } from "../../policy/common/score";
import { PackRun } from "./policy-run";
import type { FidelityMode } from "../testing/engine";
import type { UnjudgedComponent } from "../testing/unjudged";
import { CANNOT_TELL_YET } from "../../policy/common/wiring-messages";
import { PLAN_PACK } from "./unjudged";

export type FindingStatus = "violation" | "exempted";

export interface ReportFinding {
  readonly pack: string;
  readonly packVersion: string;
  readonly policy: string;
  readonly framework: string;
  readonly controlId: string;
  readonly severity: string;
  readonly enforcement: EnforcementLevel;
  readonly status: FindingStatus;
  readonly urn: string;
  readonly message: string;
  /** Where the program constructed the resource (or, inside a library component, the component), when known. */
  readonly location?: SourceLocation;
  /** When a preview can decide this finding: see {@link decidabilityOf}. */
  readonly decidable: Decidability;
}

/**
 * When a finding can be decided, from the engine model (src/testing/engine.ts):
 * - `first-preview`: a verdict on what a first `pulumi preview` of a new stack already sees (inputs, known config).
 * - `after-deploy`: "cannot tell yet" at first preview (a value the rule needs is a computed output, unknown until
 *   the resources exist), so only the preview after an `up` decides it.
 * - `not-offline`: a component whose children the offline plan cannot see (pack `plan`): only a real preview decides.
 * - `not-assessed`: the plan ran in after-deploy mode, which cannot tell which of its findings a first preview would
 *   already decide; run the default (first-preview) plan for that.
 */
export type Decidability = "first-preview" | "after-deploy" | "not-offline" | "not-assessed";

/** What the terminal, Markdown and SARIF say for each {@link Decidability}. */
export const DECIDABILITY_TEXT: Record<Decidability, string> = {
  "first-preview": "decidable at first preview",
  "after-deploy": "decidable only after deploy",
  "not-offline": "not decidable offline",
  "not-assessed": "not assessed (after-deploy run)",
};

/** True for a "cannot tell yet" finding, also once an exemption prefixed or an expiry suffixed its message. */
function cannotTellYet(message: string): boolean {
  const text = message.trimStart();
  const body = text.startsWith(EXEMPTED_PREFIX) ? text.slice(text.indexOf("] ") + 2) : text;
  return body.startsWith(CANNOT_TELL_YET);
}

/** The {@link Decidability} of one finding of a plan run in `mode`. */
export function decidabilityOf(pack: string, message: string, mode: FidelityMode): Decidability {
  if (pack === PLAN_PACK) return "not-offline";
  if (mode === "after-deploy") return "not-assessed";
  return cannotTellYet(message) ? "after-deploy" : "first-preview";
}

/** A line in the program, relative to the program directory with `/` separators (what SARIF and reviewers need). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A policy as the pack described it over the protocol, for reports that list every rule (SARIF `rules`). */
export interface ReportPolicy {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly severity: string;
  readonly remediation: string;
  readonly framework: string;
  readonly controlId: string;
  readonly reference?: string;
}

export interface ComplianceScore {
  readonly framework: string;
  readonly applicable: number;
  readonly passed: number;
  /** `null` when nothing in the program is judged by the framework (`status` "not-applicable"): never a vacuous 100 %. */
  readonly percent: number | null;
  readonly status: "scored" | "not-applicable";
  readonly failing: readonly string[];
  /** Controls left undecided by a value unknown at preview ("cannot tell yet"): neither passed nor failed. */
  readonly undecided: readonly string[];
  /** Decidable controls whose resources the program does not have. */
  readonly notApplicable: readonly string[];
  readonly exempted: readonly string[];
  /** Controls the framework has that no manifest or resource can decide (Manual in the benchmark, runtime state). */
  readonly notDecidable: readonly string[];
}

export interface PolicyReport {
  readonly project: string;
  readonly stack: string;
  /** `first-preview` (a new stack: computed outputs unknown) or `after-deploy` (outputs known); see src/testing/engine.ts. */
  readonly mode: FidelityMode;
  /** Components no pack could judge offline (also findings of pack `plan`): what was not seen, said out loud. */
  readonly unjudged: readonly UnjudgedComponent[];
  readonly resources: number;
  readonly packs: readonly { name: string; version: string; policies: number; config?: string; rules: readonly ReportPolicy[] }[];
  readonly summary: { readonly mandatory: number; readonly advisory: number; readonly exempted: number };
  /** Violations (exempted ones left out) per {@link Decidability}: how many a first preview already decides. */
  readonly decidability: Readonly<Record<Decidability, number>>;
  readonly compliance: readonly ComplianceScore[];
  readonly findings: readonly ReportFinding[];
}

/** Exempted findings are reported by packs as advisory with this prefix (see policy/common). */
const EXEMPTED_PREFIX = "[exempted";

function policyInfo(run: PackRun, name: string): PolicyInfo | undefined {
  return run.info.policies.find((p) => p.name === name);
}

/** Framework and control id as a pack declares them in CrossGuard metadata (`specification` holds the control id). */
function frameworkOf(info: PolicyInfo | undefined): { framework: string; controlId: string } {
  const fw = info?.framework;
  if (!fw || !fw.name) return { framework: "", controlId: "" };
  return { framework: fw.version ? `${fw.name} ${fw.version}` : fw.name, controlId: fw.specification ?? "" };
}

/** Resolves a URN to the program line that constructed it (see {@link sourceLocator}). */
export type Locator = (urn: string) => SourceLocation | undefined;

export function toReportFindings(runs: readonly PackRun[], locate: Locator = () => undefined, mode: FidelityMode = "first-preview"): ReportFinding[] {
  const out: ReportFinding[] = [];
  for (const run of runs) {
    for (const f of run.findings) {
      const info = policyInfo(run, f.policyName);
      const exempted = f.message.trimStart().startsWith(EXEMPTED_PREFIX);
      const location = f.urn ? locate(f.urn) : undefined;
      out.push({
        pack: run.info.name,
        packVersion: run.info.version,
        policy: f.policyName,
        ...frameworkOf(info),
        severity: f.severity || info?.severity || "",
        enforcement: f.enforcementLevel,
        status: exempted ? "exempted" : "violation",
        urn: f.urn ?? "",
        message: f.message.trim(),
        ...(location ? { location } : {}),
        decidable: decidabilityOf(run.info.name, f.message, mode),
      });
    }
  }
  return out.sort((a, b) => a.urn.localeCompare(b.urn) || a.pack.localeCompare(b.pack) || a.policy.localeCompare(b.policy) || a.message.localeCompare(b.message));
}

/**
 * The controls a pack reports on: its own `inventory` module when it ships one (which also lists controls that are
 * not decidable from code), else one control per policy from the framework metadata it declares over the protocol.
 */
export function inventoryOf(run: PackRun): Control[] {
  if (run.inventory) return [...run.inventory];
  const byKey = new Map<string, Control>();
  for (const p of run.info.policies) {
    const { framework, controlId } = frameworkOf(p);
    if (!framework || p.enforcementLevel === "disabled") continue;
    const key = `${framework} ${controlId || p.name}`;
    const existing = byKey.get(key);
    byKey.set(key, existing
      ? { ...existing, policies: [...existing.policies, p.name] }
      : { framework: framework as Control["framework"], controlId: controlId || p.name, title: p.description, policies: [p.name], decidable: true });
  }
  return [...byKey.values()];
}

function frameworkLabel(id: string): string {
  const info = (FRAMEWORK_INFO as Record<string, { name: string; version: string } | undefined>)[id];
  return info ? `${info.name} ${info.version}` : id;
}

/** Per framework: controls passed / applicable, failing and exempted controls, and those not decidable from code. */
export function complianceOf(runs: readonly PackRun[], resourceTypes?: readonly string[]): ComplianceScore[] {
  const inventory = runs.flatMap(inventoryOf);
  const findings = runs.flatMap((r) => r.findings.map((f) => ({ ...f, policyPackName: r.info.name })));
  return Object.values(scoreControls(inventory, findings, resourceTypes)).map((score: FrameworkScore) => ({
    framework: frameworkLabel(score.framework),
    applicable: score.applicable,
    passed: score.passed,
    percent: score.percent,
    status: score.status,
    failing: score.failing.map((c) => c.controlId),
    undecided: score.undecided.map((c) => c.controlId),
    notApplicable: score.notApplicable.map((c) => c.controlId),
    exempted: score.exempted.map((c) => c.controlId),
    notDecidable: score.notDecidable.map((c) => c.controlId),
  })).sort((a, b) => a.framework.localeCompare(b.framework));
}

function reportPolicies(run: PackRun): ReportPolicy[] {
  return run.info.policies.map((p) => ({
    name: p.name,
    displayName: p.displayName,
    description: p.description,
    severity: p.severity,
    remediation: p.remediationSteps,
    ...frameworkOf(p),
    ...(p.framework?.reference ? { reference: p.framework.reference } : {}),
  }));
}

/**
 * Where each resource was constructed in the program under `programDir`: the SDK's `sourcePosition` of the resource
 * when it lies in the program's own files, else that of the nearest ancestor that does (a Deployment built inside a
 * library's HaService is located at the line that constructed the HaService). Files under node_modules or outside
 * the program are never the answer; a resource with no such ancestor has no location.
 */
export function sourceLocator(recorder: ResourceRecorder, programDir: string): Locator {
  const root = path.resolve(programDir);
  const own = (r: RecordedResource): SourceLocation | undefined => {
    const uri = r.sourcePosition?.uri;
    if (!uri || !uri.startsWith("file://") || !(r.sourcePosition!.line > 0)) return undefined;
    const file = fileURLToPath(uri);
    const rel = path.relative(root, file);
    if (rel.startsWith("..") || path.isAbsolute(rel) || rel.split(path.sep).includes("node_modules")) return undefined;
    return { file: rel.split(path.sep).join("/"), line: r.sourcePosition!.line, column: r.sourcePosition!.column };
  };
  return (urn) => {
    const seen = new Set<string>();
    for (let r = recorder.get(urn); r && !seen.has(r.urn); r = r.parent ? recorder.get(r.parent) : undefined) {
      seen.add(r.urn);
      const found = own(r);
      if (found) return found;
    }
    return undefined;
  };
}

/** What the plan saw: the fidelity mode, the components it could not look into, every resource type (for "not applicable") and where each resource was constructed. */
export interface PlanView {
  readonly mode: FidelityMode;
  readonly unjudged: readonly UnjudgedComponent[];
  readonly resourceTypes?: readonly string[];
  readonly locate?: Locator;
}

function countDecidability(violations: readonly ReportFinding[]): Record<Decidability, number> {
  const counts: Record<Decidability, number> = { "first-preview": 0, "after-deploy": 0, "not-offline": 0, "not-assessed": 0 };
  for (const f of violations) counts[f.decidable]++;
  return counts;
}

export function buildPolicyReport(project: string, stack: string, resourceCount: number, runs: readonly PackRun[], seen: PlanView = { mode: "first-preview", unjudged: [] }): PolicyReport {
  const findings = toReportFindings(runs, seen.locate, seen.mode);
  const violations = findings.filter((f) => f.status === "violation");
  return {
    project,
    stack,
    mode: seen.mode,
    unjudged: [...seen.unjudged].sort((a, b) => a.urn.localeCompare(b.urn)),
    resources: resourceCount,
    packs: runs
      .map((r) => ({ name: r.info.name, version: r.info.version, policies: r.info.policies.length, config: r.configFile ? path.basename(r.configFile) : undefined, rules: reportPolicies(r) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    summary: {
      mandatory: violations.filter((f) => f.enforcement === "mandatory").length,
      advisory: violations.filter((f) => f.enforcement === "advisory").length,
      exempted: findings.filter((f) => f.status === "exempted").length,
    },
    decidability: countDecidability(violations),
    compliance: complianceOf(runs, seen.resourceTypes),
    findings,
  };
}

/** `resources.json`: one object per resource, secrets replaced, sorted by URN. */
export function resourcesDocument(recorder: ResourceRecorder): unknown[] {
  return [...recorder.resources]
    .sort((a, b) => a.urn.localeCompare(b.urn))
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      props: redact(r.props),
      // Components and the stack register outputs; recorded so secrets in them are provably redacted.
      ...(r.custom ? {} : { outputs: redact(r.outputs) }),
      options: {
        protect: r.options.protect,
        retainOnDelete: r.options.retainOnDelete,
        deleteBeforeReplace: r.options.deleteBeforeReplace,
        ignoreChanges: [...r.options.ignoreChanges].sort(),
        replaceOnChanges: [...r.options.replaceOnChanges].sort(),
        additionalSecretOutputs: [...r.options.additionalSecretOutputs].sort(),
        dependsOn: [...r.options.dependsOn].sort(),
        aliases: redact(r.options.aliases),
      },
    }));
}

const NON_MANIFEST = /^kubernetes:(helm\.sh\/|helm\/|yaml\/|kustomize\/)/;

/** A Kubernetes object as kubectl would apply it, from a recorded resource; undefined for non-objects. */
export function toManifest(r: RecordedResource): Record<string, unknown> | undefined {
  if (!r.custom || !r.type.startsWith("kubernetes:") || NON_MANIFEST.test(r.type)) return undefined;
  const [, groupVersion, kindToken] = r.type.split(":");
  const patch = kindToken.endsWith("Patch");
  const kind = patch ? kindToken.slice(0, -"Patch".length) : kindToken;
  const state = redactLeaves(r.outputs) as Record<string, unknown>;
  const apiVersion = (state.apiVersion as string) ?? (groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion);
  const { apiVersion: _a, kind: _k, metadata, ...rest } = state;
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === "id" || key === "urn" || key === "status") continue;
    cleaned[key] = value;
  }
  return { apiVersion, kind: (state.kind as string) ?? kind, metadata, ...cleaned };
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/** Manifest files keyed by relative path: `<cluster provider>/<namespace or _cluster>/<kind>-<name>[.patch].yaml`. */
export function manifestFiles(recorder: ResourceRecorder): Map<string, string> {
  const files = new Map<string, string>();
  for (const r of [...recorder.resources].sort((a, b) => a.urn.localeCompare(b.urn))) {
    const manifest = toManifest(r);
    if (!manifest) continue;
    const metadata = (manifest.metadata ?? {}) as Record<string, unknown>;
    const cluster = recorder.providerOf(r)?.name ?? "default";
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : "_cluster";
    const name = typeof metadata.name === "string" ? metadata.name : r.name;
    const suffix = r.type.endsWith("Patch") ? ".patch" : "";
    let file = path.join(slug(cluster), slug(namespace), `${slug(String(manifest.kind)).toLowerCase()}-${slug(name)}${suffix}.yaml`);
    if (files.has(file)) file = file.replace(/\.yaml$/, `.${slug(r.name)}.yaml`);
    files.set(file, YAML.stringify(manifest, { sortMapEntries: false, lineWidth: 0 }));
  }
  return files;
}
