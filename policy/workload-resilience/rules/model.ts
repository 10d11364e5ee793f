/**
 * The stack's replicated workloads with what scales and protects them: the HPA targeting each one and the
 * PodDisruptionBudgets selecting its pods. Shared by the stack rules so they agree on who targets what.
 */
import type { Subject } from "../../common/finding";
import { kindOf, metadataOf, namespaceOf, objectName, podTemplateOf, selectorMatches } from "../../common/kubernetes";
import { isUnknown, numberOf, objectOf } from "../../common/unknown";

/** Workload kinds that run a replica count of long-lived pods. */
export const REPLICATED_KINDS = ["Deployment", "StatefulSet", "ReplicaSet"];

export const isReplicated = (type: string): boolean => type.startsWith("kubernetes:apps/") && REPLICATED_KINDS.includes(kindOf(type) ?? "");
export const isHpa = (type: string): boolean => type.startsWith("kubernetes:autoscaling/") && kindOf(type) === "HorizontalPodAutoscaler";
export const isPdb = (type: string): boolean => type.startsWith("kubernetes:policy/") && kindOf(type) === "PodDisruptionBudget";

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

/** True when an HPA's scaleTargetRef points at the workload (by kind/name/namespace, or by dependency). */
export function targets(hpa: Subject, w: Subject): boolean {
  if ((hpa.propertyDependencies?.spec ?? []).includes(w.urn)) return true;
  const ref = objectOf(objectOf(hpa.props.spec)?.scaleTargetRef);
  if (!ref || ref.kind !== kindOf(w.type) || isUnknown(ref.name)) return false;
  return ref.name === objectName(w) && namespaceOf(hpa) === namespaceOf(w);
}

/** True when the PDB selects the workload's pods (same namespace, selector matches template labels). */
export function protects(pdb: Subject, labels: Record<string, unknown>, namespace: string | undefined): boolean {
  if (namespaceOf(pdb) !== namespace) return false;
  return selectorMatches(objectOf(pdb.props.spec)?.selector, labels) === true;
}

export function workloadsOf(resources: readonly Subject[]): Workload[] {
  const hpas = resources.filter((r) => isHpa(r.type));
  const pdbs = resources.filter((r) => isPdb(r.type));
  return resources
    .filter((r) => isReplicated(r.type))
    .map((subject) => {
      const spec = objectOf(subject.props.spec);
      const labels = objectOf(podTemplateOf(subject)?.metadata.labels) ?? objectOf(metadataOf(subject.props).labels) ?? {};
      const namespace = namespaceOf(subject);
      const hpa = hpas.find((h) => targets(h, subject));
      const hpaMinRaw = hpa ? objectOf(hpa.props.spec)?.minReplicas : undefined;
      const hpaMin = hpa ? (numberOf(hpaMinRaw) ?? 1) : undefined;
      return {
        subject,
        kind: kindOf(subject.type) ?? "",
        name: objectName(subject),
        namespace,
        replicas: numberOf(spec?.replicas),
        hpa,
        hpaMin,
        pdbs: pdbs.filter((p) => protects(p, labels, namespace)),
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
