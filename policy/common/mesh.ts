/**
 * The service mesh as any program shows it, shared by the packs that judge it (kubernetes-cis NET-1/NET-2 for
 * zero trust, workload-resilience for per-service traffic resilience): which workloads are served by a Service,
 * which namespaces are enrolled (and how), joined per cluster (the objects' Kubernetes provider).
 *
 * Istio's defaults are assumed: root namespace `istio-system`; ambient enrolment by the namespace label
 * `istio.io/dataplane-mode: ambient`, sidecar enrolment by `istio-injection: enabled` or an `istio.io/rev` label; an
 * ambient namespace or service uses a waypoint (Istio's L7 proxy) when labelled `istio.io/use-waypoint`.
 */
import type { Subject } from "./finding";
import { isKubernetesObject, kindOf, metadataOf, namespaceOf, podTemplateOf, selectorMatches, SYSTEM_NAMESPACES } from "./kubernetes";
import { clusterOf, namespaceKey } from "./scope";
import { groupBy } from "./stack";
import { containsUnknown, isUnknown, objectOf } from "./unknown";

export const MESH_ROOT_NAMESPACE = "istio-system";

const SERVED_KINDS = ["Deployment", "StatefulSet", "Rollout"];
export const isOfKind = (group: string, kind: string) => (t: string): boolean => t.startsWith(`kubernetes:${group}/`) && kindOf(t) === kind;
export const isService = isOfKind("core", "Service");
const isNamespaceObject = (t: string) => t.startsWith("kubernetes:core/") && (kindOf(t) === "Namespace" || kindOf(t) === "NamespacePatch");
const isServed = (t: string) => isKubernetesObject(t) && SERVED_KINDS.includes(kindOf(t) ?? "") && (t.startsWith("kubernetes:apps/") || t.startsWith("kubernetes:argoproj.io/"));

/** A workload whose pods a Service in its namespace and cluster selects, with those Services. */
export interface ServedWorkload {
  readonly subject: Subject;
  readonly namespace: string;
  readonly labels: Record<string, unknown>;
  readonly services: readonly Subject[];
}

/** Served workloads outside the system and mesh-root namespaces; unseen or unknown ones are `undecided`. */
export function servedWorkloads(resources: readonly Subject[]): { served: ServedWorkload[]; undecided: Subject[] } {
  // Services by (cluster, namespace), once: a scan of every Service per workload is quadratic in the stack.
  const servicesByNamespace = groupBy(resources.filter((r) => isService(r.type)), (s) => namespaceKey(s));
  const served: ServedWorkload[] = [];
  const undecided: Subject[] = [];
  for (const w of resources.filter((r) => isServed(r.type))) {
    // At a first preview, objects of a cluster-derived provider come back with no properties at all: unseen is
    // "cannot tell yet", never a pass.
    if (Object.keys(w.props).length === 0) {
      undecided.push(w);
      continue;
    }
    const namespace = namespaceOf(w);
    const labels = objectOf(podTemplateOf(w)?.metadata.labels);
    if (namespace === undefined || SYSTEM_NAMESPACES.includes(namespace) || namespace === MESH_ROOT_NAMESPACE || !labels) continue;
    if (namespace === "unknown" || containsUnknown(labels)) {
      undecided.push(w);
      continue;
    }
    const fronting = (servicesByNamespace.get(namespaceKey(w)) ?? []).filter((s) => {
      const selector = objectOf(s.props.spec)?.selector;
      return selector !== undefined && !isUnknown(selector) && selectorMatches({ matchLabels: selector }, labels) === true;
    });
    if (fronting.length > 0) served.push({ subject: w, namespace, labels, services: fronting });
  }
  return { served, undecided };
}

export interface Enrolment {
  /** How the namespace is in the mesh; "unknown" when a label that could enrol it is not known yet. */
  readonly mode: "ambient" | "sidecar" | "unknown";
  /** The namespace is labelled to use a waypoint (ambient L7). */
  readonly waypoint: boolean;
}

/** Enrolment per (cluster, namespace) from every Namespace or NamespacePatch of that name; absent = not in the mesh. */
export function meshEnrolment(resources: readonly Subject[]): Map<string, Enrolment> {
  const result = new Map<string, Enrolment>();
  for (const r of resources.filter((x) => isNamespaceObject(x.type))) {
    const meta = metadataOf(r.props);
    if (typeof meta.name !== "string" || isUnknown(meta.name)) continue;
    const key = `${clusterOf(r)}|${meta.name}`;
    const labels = objectOf(meta.labels);
    const before = result.get(key);
    const waypoint = (before?.waypoint ?? false) || (labels !== undefined && typeof labels["istio.io/use-waypoint"] === "string" && !isUnknown(labels["istio.io/use-waypoint"]));
    if (labels && labels["istio.io/dataplane-mode"] === "ambient") result.set(key, { mode: "ambient", waypoint });
    else if (labels && (labels["istio-injection"] === "enabled" || typeof labels["istio.io/rev"] === "string")) result.set(key, { mode: before?.mode === "ambient" ? "ambient" : "sidecar", waypoint });
    else if ((isUnknown(meta.labels) || (labels && containsUnknown(labels))) && before === undefined) result.set(key, { mode: "unknown", waypoint });
    else if (before) result.set(key, { ...before, waypoint });
  }
  return result;
}
