/**
 * Pure stack-level judgement: which pods the stack creates, which level/version applies to each (namespace labels of
 * Namespaces in the same stack, else the pack defaults), and the findings per check. The pack's policies are thin
 * wrappers over `enforcementFindings` (one per check id) and `advisoryFindings`.
 */
import { CheckId, isLevel, isPolicyVersion, Level, Pod } from "./api";
import { list, obj, str } from "./checks/util";
import { CheckOutcome, evaluateChecks, podHasUnknowns, runCheck } from "./evaluate";
import { defaultPolicy, ModePolicy, NamespacePolicy, resolveNamespacePolicy, sameLevelVersion } from "./namespaces";
import { extractPod, isUnknown, kindOf, namespaceOf, resourcePath } from "./podspec";
import { checksFor, positionOf, ResolvedCheck } from "./registry";

/** A resource as a stack policy sees it. */
export interface StackResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: unknown;
  /** Properties of the resource's provider (its default namespace), if any. */
  readonly providerProps?: unknown;
  /** URN of the resource's provider: the cluster it lands in. */
  readonly providerUrn?: string;
}

/** Pack config, as every policy of the pack receives it. */
export interface PackSettings {
  /** Level for workloads whose Namespace is not in the stack (or has no enforce label). */
  readonly defaultLevel: Level;
  /** `latest` or `v1.N`. */
  readonly defaultVersion: string;
  /** Namespaces whose pods are not judged (admission controller `exemptions.namespaces`). */
  readonly exemptNamespaces: readonly string[];
  /** Pods with one of these `runtimeClassName`s are not judged (admission controller `exemptions.runtimeClasses`). */
  readonly exemptRuntimeClasses: readonly string[];
}

export const DEFAULT_SETTINGS: PackSettings = Object.freeze({
  defaultLevel: "restricted",
  defaultVersion: "latest",
  exemptNamespaces: [],
  exemptRuntimeClasses: [],
});

/** Reads a policy's config; anything malformed falls back to the (strictest) default. The schema rejects it first. */
export function readSettings(config: unknown): PackSettings {
  const c = obj(config) ?? {};
  const strings = (v: unknown) => list(v).filter((s): s is string => typeof s === "string");
  return {
    defaultLevel: isLevel(c.defaultLevel) ? c.defaultLevel : DEFAULT_SETTINGS.defaultLevel,
    defaultVersion: isPolicyVersion(c.defaultVersion) ? c.defaultVersion : DEFAULT_SETTINGS.defaultVersion,
    exemptNamespaces: strings(c.exemptNamespaces),
    exemptRuntimeClasses: strings(c.exemptRuntimeClasses),
  };
}

/**
 * Whether two policies' settings judge alike. Every check policy reads its own copy of the config (`getConfig`
 * builds a new object per call), so this compares values; it runs once per policy per pod-bearing object.
 */
export function sameSettings(a: PackSettings, b: PackSettings): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.defaultLevel === b.defaultLevel && a.defaultVersion === b.defaultVersion && sameList(a.exemptNamespaces, b.exemptNamespaces) && sameList(a.exemptRuntimeClasses, b.exemptRuntimeClasses);
}

/** A pod-bearing resource of the stack with the policy that applies to it. */
export interface Workload {
  readonly urn: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly templatePath: string;
  readonly pod?: Pod;
  readonly policy: NamespacePolicy;
  /** Why the workload is not judged, when exempt. */
  readonly exemptBecause?: string;
  /** Things that could not be known during preview, one sentence each. */
  readonly notes: readonly string[];
  readonly mayHaveUnknowns: boolean;
  /** Outcomes per list of checks in force (`checksFor` returns one list per level and version), see evaluationOf. */
  readonly evaluations: Map<readonly ResolvedCheck[], CheckOutcome[]>;
}

export interface NamespaceEntry {
  readonly urn: string;
  readonly policy: NamespacePolicy;
}

/**
 * The cluster an object lands in: its Kubernetes provider's URN (the engine sends the default provider's when the
 * program names none). Objects of two clusters never share a namespace, whatever their names.
 */
export function clusterOf(r: Pick<StackResource, "providerUrn">): string {
  return r.providerUrn ?? "";
}

/** Key of a namespace in one cluster: joins are on (cluster, namespace), never on the name alone. */
export function namespaceKey(cluster: string, namespace: string): string {
  return `${cluster}\u0000${namespace}`;
}

/** Looks a workload's namespace up by (cluster, name); undefined when the pack has not seen that Namespace. */
export type NamespaceLookup = (cluster: string, namespace: string) => NamespaceEntry | undefined;

/** The Namespace's name, or a note when it is not known yet; undefined for other kinds and nameless Namespaces. */
export function namespaceName(r: StackResource): { name?: string; note?: { urn: string; message: string } } | undefined {
  if (kindOf(r.type) !== "Namespace") return undefined;
  const name = obj(obj(r.props)?.metadata)?.name;
  if (isUnknown(name)) return { note: { urn: r.urn, message: `the name of Namespace "${r.name}" is not known yet, so its pod-security labels cannot be matched to workloads` } };
  return typeof name === "string" && name !== "" ? { name } : undefined;
}

/** A Namespace's policy from its labels (pack defaults for what they do not set). */
export function namespaceEntry(r: StackResource, settings: PackSettings): NamespaceEntry | undefined {
  const name = namespaceName(r)?.name;
  if (name === undefined) return undefined;
  const defaults = { level: settings.defaultLevel, version: settings.defaultVersion };
  return { urn: r.urn, policy: resolveNamespacePolicy(name, obj(obj(r.props)?.metadata)?.labels, defaults) };
}

function namespacesInStack(resources: readonly StackResource[], settings: PackSettings): { byKey: Map<string, NamespaceEntry>; notes: { urn: string; message: string }[] } {
  const byKey = new Map<string, NamespaceEntry>();
  const notes: { urn: string; message: string }[] = [];
  for (const r of resources) {
    const found = namespaceName(r);
    if (found?.note) notes.push(found.note);
    const key = found?.name !== undefined ? namespaceKey(clusterOf(r), found.name) : undefined;
    if (key === undefined || byKey.has(key)) continue;
    const entry = namespaceEntry(r, settings);
    if (entry) byKey.set(key, entry);
  }
  return { byKey, notes };
}

/** The pod-bearing resource with the policy of its namespace (found through `lookup`), or undefined for other kinds. */
export function workloadOf(r: StackResource, settings: PackSettings, lookup: NamespaceLookup): Workload | undefined {
  const extracted = extractPod(r.type, r.props);
  if (!extracted) return undefined;
  const notes: string[] = [];
  const ns = namespaceOf(r.props, r.providerProps);
  let policy = defaultPolicy({ level: settings.defaultLevel, version: settings.defaultVersion });
  if (ns.unknown) {
    notes.push(`its namespace is not known yet, so it is judged at the pack defaults ${settings.defaultLevel}@${settings.defaultVersion}`);
    policy = withSource(policy, "pack config defaultLevel/defaultVersion; the namespace is not known yet");
  } else if (ns.name !== undefined) {
    const entry = lookup(clusterOf(r), ns.name);
    if (entry) policy = entry.policy;
    else policy = withSource(policy, `pack config defaultLevel/defaultVersion; Namespace "${ns.name}" of this cluster and its labels are not known to the pack`);
  }
  if (extracted.unknownAt) notes.push(`${extracted.unknownAt} is not known yet, so its pod cannot be judged`);
  let exemptBecause: string | undefined;
  if (ns.name !== undefined && settings.exemptNamespaces.includes(ns.name)) exemptBecause = `namespace "${ns.name}" is exempt`;
  const runtimeClass = extracted.pod?.spec.runtimeClassName;
  if (isUnknown(runtimeClass) && settings.exemptRuntimeClasses.length > 0) {
    notes.push(`${resourcePath(extracted.templatePath, "spec.runtimeClassName")} is not known yet, so a runtime-class exemption cannot apply`);
  } else if (typeof runtimeClass === "string" && settings.exemptRuntimeClasses.includes(runtimeClass)) {
    exemptBecause = `runtimeClassName "${runtimeClass}" is exempt`;
  }
  return {
    urn: r.urn,
    kind: extracted.kind,
    name: str(obj(obj(r.props)?.metadata)?.name) || r.name,
    namespace: ns.name,
    templatePath: extracted.templatePath,
    pod: extracted.pod,
    policy,
    exemptBecause,
    notes,
    mayHaveUnknowns: extracted.pod ? podHasUnknowns(extracted.pod) : false,
    evaluations: new Map(),
  };
}

function withSource(policy: NamespacePolicy, source: string): NamespacePolicy {
  return { ...policy, enforce: { ...policy.enforce, source } };
}

/** Every pod-bearing resource of the stack with its namespace policy (namespaces joined per cluster). */
export function collectWorkloads(resources: readonly StackResource[], settings: PackSettings): Workload[] {
  const { byKey } = namespacesInStack(resources, settings);
  const lookup: NamespaceLookup = (cluster, name) => byKey.get(namespaceKey(cluster, name));
  const out: Workload[] = [];
  for (const r of resources) {
    const w = workloadOf(r, settings, lookup);
    if (w) out.push(w);
  }
  return out;
}

/** A finding for one resource. */
export interface Finding {
  readonly urn: string;
  readonly checkId?: CheckId;
  readonly message: string;
}

/** The outcomes of every check at one level/version, evaluated once per workload and cached on it. */
export function evaluationAt(w: Workload, mode: ModePolicy): CheckOutcome[] {
  return evaluationOf(w, checksFor(mode.level, mode.minor));
}

/** The outcomes of a list of checks in force (in its order), evaluated once per workload and cached on it. */
function evaluationOf(w: Workload, checks: readonly ResolvedCheck[]): CheckOutcome[] {
  if (!w.pod) return [];
  let outcomes = w.evaluations.get(checks);
  if (!outcomes) {
    outcomes = evaluateChecks(w.pod, checks, w.mayHaveUnknowns);
    w.evaluations.set(checks, outcomes);
  }
  return outcomes;
}

function subject(w: Workload): string {
  const where = w.namespace !== undefined ? ` in namespace "${w.namespace}"` : "";
  return `${w.kind} "${w.name}"${where}`;
}

function fixText(w: Workload, o: CheckOutcome): string {
  return o.fixes.length > 0 ? o.fixes.map((f) => `${resourcePath(w.templatePath, f.path)}: ${f.change}`).join("; ") : o.remediation;
}

/** One sentence naming the check, the pod, the rule in force, what offends and exactly what to change. */
export function violationMessage(w: Workload, o: CheckOutcome, mode: ModePolicy, modeName: string): string {
  return (
    `${o.checkId}: ${subject(w)} violates Pod Security "${mode.level}:${mode.version}" (${modeName}, from ${mode.source}): ` +
    `${o.forbiddenReason}${o.forbiddenDetail ? ` (${o.forbiddenDetail})` : ""}. Change ${fixText(w, o)}.` +
    (o.unknownPaths.length > 0 ? ` (Decided at preview without ${o.unknownPaths.map((p) => resourcePath(w.templatePath, p)).join(", ")}, not known yet; they cannot undo this violation.)` : "")
  );
}

function unknownMessage(w: Workload, o: CheckOutcome, mode: ModePolicy): string {
  const paths = o.unknownPaths.map((p) => resourcePath(w.templatePath, p)).join(", ");
  return `${o.checkId}: cannot judge ${subject(w)} at "${mode.level}:${mode.version}" during preview because ${paths} ${o.unknownPaths.length === 1 ? "is" : "are"} not known yet; it is judged again at update.`;
}

/**
 * Mandatory-side findings of one check: every judged workload that the check, as in force at the workload's
 * enforce level and version, forbids. Undecidable outcomes are left to `advisoryFindings`.
 */
export function enforcementFindings(workloads: readonly Workload[], checkId: CheckId): Finding[] {
  const out: Finding[] = [];
  for (const w of workloads) {
    if (w.exemptBecause || !w.pod) continue;
    const mode = w.policy.enforce;
    const checks = checksFor(mode.level, mode.minor);
    const at = positionOf(checks, checkId);
    if (at < 0) continue;
    // One evaluation of the pod per level/version, shared by the 19 check policies, found by position (see evaluationOf).
    const outcome = evaluationOf(w, checks)[at] ?? runCheck(checks[at], w.pod, w.mayHaveUnknowns);
    if (outcome.status === "forbidden") out.push({ urn: w.urn, checkId, message: violationMessage(w, outcome, mode, "enforce") });
  }
  return out;
}

/**
 * Advisory findings: violations at a namespace's `warn`/`audit` level that enforce does not already report, checks
 * that cannot be decided during preview, and label or template values not known yet.
 */
export function advisoryFindings(resources: readonly StackResource[], workloads: readonly Workload[], settings: PackSettings): Finding[] {
  const out: Finding[] = [];
  const { byKey, notes } = namespacesInStack(resources, settings);
  out.push(...notes);
  for (const entry of byKey.values()) for (const p of entry.policy.problems) out.push({ urn: entry.urn, message: p });
  for (const w of workloads) {
    for (const n of w.notes) out.push({ urn: w.urn, message: `${subject(w)}: ${n}.` });
    if (w.exemptBecause || !w.pod) continue;
    const modes: { name: string; policy: ModePolicy }[] = [];
    for (const name of ["warn", "audit"] as const) {
      const policy = w.policy[name];
      if (policy.level === "privileged" || sameLevelVersion(policy, w.policy.enforce)) continue;
      const same = modes.find((m) => sameLevelVersion(m.policy, policy));
      if (same) same.name = `${same.name}+${name}`;
      else modes.push({ name, policy });
    }
    // The enforce-level evaluation is only needed to explain unknowns or to de-duplicate warn/audit findings.
    if (!w.mayHaveUnknowns && modes.length === 0) continue;
    const enforced = evaluationAt(w, w.policy.enforce);
    for (const o of enforced) if (o.status === "unknown") out.push({ urn: w.urn, checkId: o.checkId, message: unknownMessage(w, o, w.policy.enforce) });
    const enforcedIds = new Set(enforced.filter((o) => o.status !== "allowed").map((o) => o.checkId));
    for (const m of modes) {
      for (const o of evaluationAt(w, m.policy)) {
        if (enforcedIds.has(o.checkId)) continue;
        if (o.status === "forbidden") out.push({ urn: w.urn, checkId: o.checkId, message: violationMessage(w, o, m.policy, m.name) });
        if (o.status === "unknown") out.push({ urn: w.urn, checkId: o.checkId, message: unknownMessage(w, o, m.policy) });
      }
    }
  }
  return out;
}
