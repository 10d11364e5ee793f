/**
 * The stack's replicated workloads with what scales and protects them: the HPA targeting each one and the
 * PodDisruptionBudgets selecting its pods. Shared by the stack rules so they agree on who targets what.
 */
import type { Subject } from "../../common/finding";
import { kindOf, metadataOf, namespaceOf, objectName, perTypeToken, podTemplateOf, selectorMatches } from "../../common/kubernetes";
import { isUnknown, numberOf, objectOf } from "../../common/unknown";
import { namespaceKey, objectKey } from "../../common/scope";

/** Workload kinds that run a replica count of long-lived pods. */
export const REPLICATED_KINDS = ["Deployment", "StatefulSet", "ReplicaSet"];

export const isReplicated = (type: string): boolean => type.startsWith("kubernetes:apps/") && REPLICATED_KINDS.includes(kindOf(type) ?? "");
export const isHpa = (type: string): boolean => type.startsWith("kubernetes:autoscaling/") && kindOf(type) === "HorizontalPodAutoscaler";
export const isPdb = (type: string): boolean => type.startsWith("kubernetes:policy/") && kindOf(type) === "PodDisruptionBudget";
/** Argo Rollouts' Rollout: runs its ReplicaSets itself, from its own template or a referenced Deployment's. */
export const isRollout = (type: string): boolean => type.startsWith("kubernetes:argoproj.io/") && kindOf(type) === "Rollout";
/** What the scaling rules judge: replicated workloads and Rollouts. */
export const isScaled = (type: string): boolean => isReplicated(type) || isRollout(type);
/**
 * Long-running workloads: replicated ones and DaemonSets (Jobs and CronJobs finish: probes and spread matter less).
 * Remembered per type token, as the pod rules ask it of every resource.
 */
export const isLongRunning: (type: string) => boolean = perTypeToken((type) => isReplicated(type) || (type.startsWith("kubernetes:apps/") && kindOf(type) === "DaemonSet"));
/** Every object that runs pods: long-running workloads, Jobs, CronJobs and bare Pods. */
export const isPodBearing: (type: string) => boolean = perTypeToken((type) => isLongRunning(type) || ["Job", "CronJob", "Pod"].includes(kindOf(type) ?? ""));

export interface Workload {
  readonly subject: Subject;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  /** `spec.replicas`: number, "unknown", or undefined when not set (Kubernetes default 1). */
  readonly replicas: number | "unknown" | undefined;
  readonly hpa?: Subject;
  /** HPA `minReplicas` (default 1), "unknown" when not known. */
  readonly hpaMin?: number | "unknown";
  readonly pdbs: readonly Subject[];
  /** Pod template labels. */
  readonly labels: Record<string, unknown>;
}

/** The workload an HPA's scaleTargetRef names, as an object key in the HPA's own cluster and namespace. */
function targetKey(hpa: Subject): string | undefined {
  const ref = objectOf(objectOf(hpa.props.spec)?.scaleTargetRef);
  if (!ref || typeof ref.kind !== "string" || typeof ref.name !== "string" || isUnknown(ref.name)) return undefined;
  return objectKey(hpa, ref.kind, ref.name);
}

/** True when an HPA's scaleTargetRef points at the workload: same cluster, namespace, kind and name, or by dependency. */
export function targets(hpa: Subject, w: Subject): boolean {
  if ((hpa.propertyDependencies?.spec ?? []).includes(w.urn)) return true;
  return targetKey(hpa) === objectKey(w, kindOf(w.type) ?? "");
}

/** True when the PDB selects the workload's pods (same cluster and namespace, selector matches template labels). */
export function protects(pdb: Subject, labels: Record<string, unknown>, workload: Subject): boolean {
  if (namespaceKey(pdb) !== namespaceKey(workload)) return false;
  return selectorMatches(objectOf(pdb.props.spec)?.selector, labels) === true;
}

/** Indexes HPAs by target key and by the URNs their spec depends on, PDBs by (cluster, namespace): one pass each. */
function indexOf(resources: readonly Subject[]) {
  const hpaByTarget = new Map<string, Subject>();
  const hpaByDependency = new Map<string, Subject>();
  const pdbsByNamespace = new Map<string, Subject[]>();
  for (const r of resources) {
    if (isHpa(r.type)) {
      const key = targetKey(r);
      if (key !== undefined && !hpaByTarget.has(key)) hpaByTarget.set(key, r);
      for (const urn of r.propertyDependencies?.spec ?? []) if (!hpaByDependency.has(urn)) hpaByDependency.set(urn, r);
    } else if (isPdb(r.type)) {
      // Appended in place: copying the namespace's list per PDB made the index quadratic in a namespace's size.
      const key = namespaceKey(r);
      const list = pdbsByNamespace.get(key);
      if (list) list.push(r);
      else pdbsByNamespace.set(key, [r]);
    }
  }
  return { hpaByTarget, hpaByDependency, pdbsByNamespace };
}

/** The object key of the workload a Rollout's `spec.workloadRef` names (same cluster and namespace). */
function workloadRefKey(rollout: Subject): string | undefined {
  const ref = objectOf(objectOf(rollout.props.spec)?.workloadRef);
  if (!ref || typeof ref.kind !== "string" || typeof ref.name !== "string" || isUnknown(ref.name)) return undefined;
  return objectKey(rollout, ref.kind, ref.name);
}

/**
 * Rollouts by the key of the Deployment they reference. A Deployment referenced by a Rollout and held at
 * `replicas: 0` only carries the pod template (Argo Rollouts `workloadRef`, scaleDown never): the Rollout runs the
 * pods and is judged in its place. Any other replica count (a migration in progress) keeps the Deployment judged too.
 */
function rolloutsByTemplate(resources: readonly Subject[]): Map<string, Subject> {
  const byTemplate = new Map<string, Subject>();
  for (const r of resources) {
    const key = isRollout(r.type) ? workloadRefKey(r) : undefined;
    if (key !== undefined && !byTemplate.has(key)) byTemplate.set(key, r);
  }
  return byTemplate;
}

function templateLabelsOf(subject: Subject, byKey: ReadonlyMap<string, Subject>): Record<string, unknown> {
  const own = objectOf(podTemplateOf(subject)?.metadata.labels);
  if (own) return own;
  const refKey = isRollout(subject.type) ? workloadRefKey(subject) : undefined;
  const referenced = refKey !== undefined ? byKey.get(refKey) : undefined;
  return objectOf((referenced ? podTemplateOf(referenced) : undefined)?.metadata.labels) ?? objectOf(metadataOf(subject.props).labels) ?? {};
}

/**
 * The stack's replicated workloads with their HPA and PDBs. Joins key on (cluster, namespace, name), the cluster
 * being the object's Kubernetes provider: a stack with three clusters has three `web` Deployments.
 */
export function workloadsOf(resources: readonly Subject[]): Workload[] {
  const index = indexOf(resources);
  const templates = rolloutsByTemplate(resources);
  // Each replicated workload's object key, worded once: the Rollout, HPA and template joins below all ask for it.
  const keys = new Map<Subject, string>();
  const byKey = new Map<string, Subject>();
  for (const r of resources) {
    if (!isReplicated(r.type)) continue;
    const key = objectKey(r, kindOf(r.type) ?? "");
    keys.set(r, key);
    byKey.set(key, r);
  }
  const keyOf = (r: Subject) => keys.get(r) ?? objectKey(r, kindOf(r.type) ?? "");
  const heldByRollout = (r: Subject) => isReplicated(r.type) && templates.has(keyOf(r)) && numberOf(objectOf(r.props.spec)?.replicas) === 0;
  return resources
    .filter((r) => isScaled(r.type) && !heldByRollout(r))
    .map((subject) => {
      const spec = objectOf(subject.props.spec);
      const labels = templateLabelsOf(subject, byKey);
      const namespace = namespaceOf(subject);
      const hpa = index.hpaByDependency.get(subject.urn) ?? index.hpaByTarget.get(keyOf(subject));
      const hpaMinRaw = hpa ? objectOf(hpa.props.spec)?.minReplicas : undefined;
      const hpaMin = hpa ? (numberOf(hpaMinRaw) ?? 1) : undefined;
      const pdbs = index.pdbsByNamespace.size > 0 ? (index.pdbsByNamespace.get(namespaceKey(subject)) ?? []).filter((p) => protects(p, labels, subject)) : [];
      return {
        subject,
        kind: kindOf(subject.type) ?? "",
        name: objectName(subject),
        namespace,
        replicas: numberOf(spec?.replicas),
        hpa,
        hpaMin,
        pdbs,
        labels,
      };
    });
}

/**
 * True when the engine handed back no properties at all. At a first preview, objects whose Kubernetes provider has
 * unknown config (a kubeconfig built from a cluster not created yet) come back as an empty map
 * (pkg/resource/plugin/provider_plugin.go `Create`, `!pcfg.known`): nothing about them can be told yet.
 */
export const unseen = (s: Subject): boolean => Object.keys(s.props).length === 0;

/**
 * The fewest pods the workload runs: HPA minimum when scaled by an HPA, else replicas (default 1); "unknown" when
 * the workload or its HPA is unseen (an empty map is not "1 replica": `npm run parity` caught exactly that).
 */
export function floorReplicas(w: Workload): number | "unknown" {
  if (unseen(w.subject) || (w.hpa && unseen(w.hpa))) return "unknown";
  if (w.hpa) return w.hpaMin ?? 1;
  return w.replicas ?? 1;
}

/**
 * How many pods the PDB lets be evicted at `replicas` healthy pods, as the disruption controller computes it
 * (percentages rounded up). `"unknown"` when the budget is not known yet; `undefined` when it sets neither field.
 */
export function allowedDisruptions(pdb: Subject, replicas: number): number | "unknown" | undefined {
  const spec = objectOf(pdb.props.spec);
  if (!spec) return isUnknown(pdb.props.spec) ? "unknown" : undefined;
  const scaled = (v: unknown): number | "unknown" | undefined => {
    if (isUnknown(v)) return "unknown";
    if (typeof v === "number") return v;
    if (typeof v === "string" && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) * replicas) / 100);
    if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
    return undefined;
  };
  const minAvailable = scaled(spec.minAvailable);
  const maxUnavailable = scaled(spec.maxUnavailable);
  if (minAvailable === "unknown" || maxUnavailable === "unknown") return "unknown";
  if (maxUnavailable !== undefined) return maxUnavailable;
  if (minAvailable !== undefined) return Math.max(0, replicas - minAvailable);
  return undefined;
}
