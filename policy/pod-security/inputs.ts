/**
 * Judgement on the program's INPUTS, as the engine hands them to resource policies (`Analyze`, one call per resource
 * as it registers). On a first preview the Kubernetes provider's config is unknown (it comes from the EKS cluster's
 * outputs), so the engine skips the provider's `Check` and `Create` returns no outputs: `AnalyzeStack` then sees
 * every Kubernetes object with empty properties (pulumi/pulumi pkg/resource/plugin/provider_plugin.go, the
 * `cfgknown` paths of Check/Create). Only `Analyze` sees the pod, so every check is a resource policy.
 *
 * A resource policy sees one object. The namespace labels it needs come from the Namespaces this pack process has
 * analysed before (the engine runs one analyzer process per pack for the whole deployment and analyses a Namespace
 * before any object whose inputs depend on it), joined on (cluster = the object's Kubernetes provider, namespace).
 * A workload analysed before its Namespace is judged at the pack defaults, which the message says; the stack
 * remainder (`lateNamespaceFindings`) re-judges it once the whole stack is known.
 */
import type { Subject } from "../common";
import { CheckId } from "./api";
import { sameLevelVersion } from "./namespaces";
import { isPodKind, kindOf } from "./podspec";
import {
  clusterOf,
  evaluationAt,
  Finding,
  namespaceEntry,
  NamespaceLookup,
  namespaceKey,
  namespaceName,
  PackSettings,
  sameSettings,
  StackResource,
  violationMessage,
  Workload,
  workloadOf,
} from "./stack";

interface Analysed {
  readonly resource: StackResource;
  /** The settings it was judged with: a policy configured differently judges it again. */
  readonly settings: PackSettings;
  readonly workload: Workload;
}

/** What one pack process remembers between the engine's calls during one deployment. */
const memory = {
  /** (cluster, namespace) → the Namespace's inputs, as analysed. */
  namespaces: new Map<string, StackResource>(),
  /** URN → the pod-bearing object as analysed, with its evaluation (shared by every check policy). */
  workloads: new Map<string, Analysed>(),
  /** URN → the policies that have analysed it in this deployment. */
  seen: new Map<string, Set<string>>(),
};

/**
 * The engine analyses each resource once per deployment, so a policy seeing a URN again means a new deployment
 * (a test, a second preview in the same process): start from nothing, so the same requests give the same findings.
 */
function noteAnalysis(urn: string, policy: string): void {
  const policies = memory.seen.get(urn);
  if (policies?.has(policy)) {
    memory.namespaces.clear();
    memory.workloads.clear();
    memory.seen.clear();
  }
  const now = memory.seen.get(urn) ?? new Set<string>();
  now.add(policy);
  memory.seen.set(urn, now);
}

export function toStackResource(s: Subject): StackResource {
  return { type: s.type, name: s.name, urn: s.urn, props: s.props, providerProps: s.provider?.props, providerUrn: s.provider?.urn };
}

function lookupIn(namespaces: ReadonlyMap<string, StackResource>, settings: PackSettings): NamespaceLookup {
  return (cluster, name) => {
    const ns = namespaces.get(namespaceKey(cluster, name));
    return ns ? namespaceEntry(ns, settings) : undefined;
  };
}

export interface Analysis {
  readonly workload?: Workload;
  /** Set when the object is a Namespace. */
  readonly namespace?: StackResource;
}

/**
 * The analysis of one object for one policy: Namespaces are remembered for the objects analysed after them;
 * pod-bearing objects are judged once per `Analyze` however many check policies ask.
 */
export function analyse(subject: Subject, policy: string, settings: PackSettings): Analysis {
  const resource = toStackResource(subject);
  noteAnalysis(resource.urn, policy);
  if (kindOf(resource.type) === "Namespace") {
    const name = namespaceName(resource)?.name;
    if (name !== undefined) memory.namespaces.set(namespaceKey(clusterOf(resource), name), resource);
    return { namespace: resource };
  }
  if (!isPodKind(kindOf(resource.type))) return {};
  const cached = memory.workloads.get(resource.urn);
  if (cached && sameSettings(cached.settings, settings)) return { workload: cached.workload };
  const workload = workloadOf(resource, settings, lookupIn(memory.namespaces, settings));
  if (!workload) return {};
  memory.workloads.set(resource.urn, { resource, settings, workload });
  return { workload };
}

/**
 * The stack remainder: objects whose namespace policy is known now but was not when they were analysed (their
 * Namespace registered after them), and objects the engine never analysed. Each violation the per-check policies
 * did not already report is reported here, naming the check. Namespaces are taken from the analysed inputs first
 * (on a first preview the stack's outputs are empty), then from the stack.
 */
export function lateNamespaceFindings(subjects: readonly Subject[], settings: PackSettings): Finding[] {
  const stackNamespaces = new Map(memory.namespaces);
  for (const s of subjects) {
    const r = toStackResource(s);
    const name = namespaceName(r)?.name;
    const key = name !== undefined ? namespaceKey(clusterOf(r), name) : undefined;
    if (key !== undefined && !stackNamespaces.has(key)) stackNamespaces.set(key, r);
  }
  const lookup = lookupIn(stackNamespaces, settings);
  const out: Finding[] = [];
  for (const s of subjects) {
    if (!isPodKind(kindOf(s.type))) continue;
    const analysed = memory.workloads.get(s.urn);
    const workload = workloadOf(analysed?.resource ?? toStackResource(s), settings, lookup);
    if (!workload?.pod || workload.exemptBecause) continue;
    const judged = analysed?.workload;
    if (judged && sameLevelVersion(judged.policy.enforce, workload.policy.enforce)) continue;
    const already = new Set<CheckId>(judged?.pod && !judged.exemptBecause ? evaluationAt(judged, judged.policy.enforce).filter((o) => o.status === "forbidden").map((o) => o.checkId) : []);
    const why = judged ? "its Namespace was analysed after it, so the per-check policies judged it at the pack defaults; make it depend on the Namespace" : "it was not analysed on its inputs";
    for (const o of evaluationAt(workload, workload.policy.enforce)) {
      if (o.status !== "forbidden" || already.has(o.checkId)) continue;
      out.push({ urn: workload.urn, checkId: o.checkId, message: `${violationMessage(workload, o, workload.policy.enforce, "enforce")} (Reported by the stack check because ${why}.)` });
    }
  }
  return out;
}
