/**
 * RC-5: selectors select something in the same cluster and namespace. A Service selecting no pod has no endpoints,
 * a PodDisruptionBudget selecting none protects nothing, an HPA whose scaleTargetRef names no workload reports
 * FailedGetScale, a NetworkPolicy with a podSelector matching no pod guards nothing (usually a label typo). A PDB
 * whose budget allows no eviction at the workload's replica floor blocks every node drain. Objects a Helm release
 * in the same namespace may create are invisible: then the result is "cannot tell yet", not a pass.
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { describe } from "../../common/finding";
import { kindOf, namespaceOf, selectorMatches } from "../../common/kubernetes";
import { isUnknown, isUnseen, numberOf, objectOf } from "../../common/unknown";
import { allowedDisruptions } from "../../workload-resilience/rules/model";
import { coherence } from "./meta";
import { cannotTell, KubeView, Workload, where } from "./model";
import { hpaOf, hpaTargets } from "./workloads";

const SCALABLE = ["Deployment", "StatefulSet", "ReplicaSet"];

/** Selects none of the visible workloads: a finding, or "cannot tell" when a Helm release may own the pods. */
function noneSelected(view: KubeView, subject: Subject, what: string, fix: string): Finding[] {
  const cluster = view.clusterOf(subject);
  const releases = view.releasesIn(cluster.key, namespaceOf(subject));
  if (releases.length > 0) {
    return [{ subject, advisory: true, message: `cannot tell yet: ${where(subject, cluster)} ${what} no workload of the program, and Helm release ${releases.map((r) => r.subject.name).join(", ")} in the same namespace may create them, so it is not judged; check it against the chart's labels.` }];
  }
  return [{ subject, message: `${where(subject, cluster)} ${what} no workload in its cluster and namespace; ${fix}.` }];
}

function matchingWorkloads(view: KubeView, subject: Subject, selector: unknown, matchLabelsOnly: boolean): Workload[] | "unknown" {
  const sel = matchLabelsOnly ? { matchLabels: selector } : selector;
  const ns = namespaceOf(subject);
  let unknown = false;
  const out = view.workloadsIn(view.clusterOf(subject).key, ns).filter((w) => {
    const m = selectorMatches(sel, w.labels);
    if (m === undefined) unknown = true;
    return m === true;
  });
  return out.length === 0 && unknown ? "unknown" : out;
}

function checkSelector(view: KubeView, o: Subject): Finding[] {
  const kind = kindOf(o.type);
  const spec = objectOf(o.props.spec);
  // An object the engine gave no outputs (first preview under a provider built from a new cluster) is unseen, not empty.
  if (!spec) return isUnknown(o.props.spec) || isUnseen(o) ? [cannotTell(o, "spec", "what it selects")] : [];
  if (kind === "Service") {
    if (spec.selector === undefined || spec.type === "ExternalName") return [];
    if (isUnknown(spec.selector)) return [cannotTell(o, "spec.selector", "whether it selects any pod")];
    const m = matchingWorkloads(view, o, spec.selector, true);
    if (m === "unknown") return [cannotTell(o, "spec.selector", "whether it selects any pod")];
    return m.length > 0 ? [] : noneSelected(view, o, "selects", "make spec.selector equal the pod template labels of the workload it serves, or it has no endpoints");
  }
  if (kind === "PodDisruptionBudget" || kind === "NetworkPolicy") {
    const selector = kind === "PodDisruptionBudget" ? spec.selector : spec.podSelector;
    const sel = objectOf(selector);
    if (kind === "NetworkPolicy" && sel && Object.keys(objectOf(sel.matchLabels) ?? {}).length === 0 && !sel.matchExpressions) return [];
    if (isUnknown(selector)) return [cannotTell(o, kind === "NetworkPolicy" ? "spec.podSelector" : "spec.selector", "whether it selects any pod")];
    const m = matchingWorkloads(view, o, selector, false);
    if (m === "unknown") return [cannotTell(o, "selector labels", "whether it selects any pod")];
    if (m.length === 0) return noneSelected(view, o, "selects", `make its selector match the pod labels of the workload it is for`);
    return kind === "PodDisruptionBudget" ? m.flatMap((w) => drainBlocked(view, o, w)) : [];
  }
  if (kind === "HorizontalPodAutoscaler") {
    const ref = objectOf(spec.scaleTargetRef);
    if (!ref || isUnknown(ref.name) || isUnknown(ref.kind)) return (o.propertyDependencies?.spec ?? []).length > 0 ? [] : [cannotTell(o, "spec.scaleTargetRef", "whether its target exists")];
    const found = view.workloadsIn(view.clusterOf(o).key, namespaceOf(o)).some((w) => hpaTargets(view, o, w));
    if (found) return [];
    if (typeof ref.kind === "string" && !SCALABLE.includes(ref.kind)) return [];
    return noneSelected(view, o, `targets ${String(ref.kind)} ${String(ref.name)}, which matches`, "point scaleTargetRef at the workload's kind and name in the same namespace");
  }
  return [];
}

/** The PDB allows no eviction at the fewest pods the workload runs: every drain waits on it forever. */
function drainBlocked(view: KubeView, pdb: Subject, w: Workload): Finding[] {
  if (!SCALABLE.includes(w.kind)) return [];
  const hpa = hpaOf(view, w);
  const floorRaw = hpa ? (numberOf(objectOf(hpa.props.spec)?.minReplicas) ?? 1) : (numberOf(objectOf(w.subject.props.spec)?.replicas) ?? 1);
  if (floorRaw === "unknown") return [cannotTell(hpa ?? w.subject, hpa ? "spec.minReplicas" : "spec.replicas", `whether ${describe(pdb)} lets drains proceed`)];
  const allowed = allowedDisruptions(pdb, floorRaw);
  if (allowed === "unknown") return [cannotTell(pdb, "spec.minAvailable/maxUnavailable", "whether it lets drains proceed")];
  if (allowed === undefined || allowed >= 1) return [];
  return [{ subject: pdb, message: `${where(pdb, w.cluster)} allows ${allowed} eviction(s) when ${describe(w.subject)} runs its floor of ${floorRaw} pod(s), so every node drain and upgrade blocks; use maxUnavailable: 1 or a minAvailable below ${floorRaw}.` }];
}

export const selectorsMatch: StackRule = {
  meta: coherence(
    "RC-5",
    "selectors-match",
    "Service, PDB, HPA and NetworkPolicy selectors select workloads in their cluster and namespace; PDBs allow a drain",
    "high",
    "Make every selector and scaleTargetRef match a workload in the same cluster and namespace, and let each PDB allow one eviction at the replica floor.",
  ),
  check(resources) {
    const view = new KubeView(resources);
    return view.objects.filter((o) => ["Service", "PodDisruptionBudget", "NetworkPolicy", "HorizontalPodAutoscaler"].includes(kindOf(o.type) ?? "")).flatMap((o) => checkSelector(view, o));
  },
};
