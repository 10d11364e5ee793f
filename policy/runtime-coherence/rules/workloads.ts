/**
 * What a workload asks of its namespace at full scale: the most pods it can run (HPA maxReplicas or replicas, plus
 * the rollout surge, or one per node for DaemonSets) and each pod's requests and limits after LimitRange defaulting.
 * Mirrors the Deployment controller (maxSurge default 25 %, rounded up), the LimitRanger admission plugin (default →
 * limit, defaultRequest → request, a request defaults to the container's own limit) and the pod's effective request
 * (max of the largest init container and the sum of the app containers).
 */
import type { Subject } from "../../common/finding";
import { kindOf, namespaceOf, objectName } from "../../common/kubernetes";
import { arrayOf, isUnknown, numberOf, objectOf } from "../../common/unknown";
import { quantityOf } from "./quantity";
import type { KubeView, Workload } from "./model";
import { addonOf } from "./metrics";

export const COMPUTE = ["cpu", "memory"] as const;
export type Compute = (typeof COMPUTE)[number];

/** Per resource: the value, `"unknown"` (preview), or `undefined` (unset and no default). */
export interface PodResources {
  readonly requests: Record<Compute, number | "unknown" | undefined>;
  readonly limits: Record<Compute, number | "unknown" | undefined>;
}

export interface Defaults {
  readonly request: Partial<Record<Compute, number>>;
  readonly limit: Partial<Record<Compute, number>>;
}

/** LimitRange `Container` defaults of a namespace (the first LimitRange that sets a value wins, as admission applies them in turn). */
export function limitRangeDefaults(limitRanges: readonly Subject[]): Defaults {
  const request: Partial<Record<Compute, number>> = {};
  const limit: Partial<Record<Compute, number>> = {};
  for (const lr of limitRanges) {
    for (const item of arrayOf(objectOf(lr.props.spec)?.limits)) {
      const l = objectOf(item);
      if (!l || (l.type !== undefined && l.type !== "Container")) continue;
      for (const r of COMPUTE) {
        const d = quantityOf(objectOf(l.default)?.[r]);
        const dr = quantityOf(objectOf(l.defaultRequest)?.[r]);
        if (typeof d === "number" && limit[r] === undefined) limit[r] = d;
        if (typeof dr === "number" && request[r] === undefined) request[r] = dr;
      }
    }
  }
  for (const r of COMPUTE) if (request[r] === undefined && limit[r] !== undefined) request[r] = limit[r];
  return { request, limit };
}

type Value = number | "unknown" | undefined;
const add = (a: Value, b: Value): Value => (a === "unknown" || b === "unknown" ? "unknown" : a === undefined || b === undefined ? undefined : a + b);
/** Max of two values where an unset one (no request/limit, no default) makes the result unset too. */
const max = (a: Value, b: Value): Value => (a === "unknown" || b === "unknown" ? "unknown" : a === undefined || b === undefined ? undefined : Math.max(a, b));

function containerResources(c: Record<string, unknown>, defaults: Defaults): PodResources {
  const res = objectOf(c.resources);
  const requests = {} as Record<Compute, Value>;
  const limits = {} as Record<Compute, Value>;
  for (const r of COMPUTE) {
    const lim = quantityOf(objectOf(res?.limits)?.[r]) ?? defaults.limit[r];
    const req = quantityOf(objectOf(res?.requests)?.[r]) ?? (quantityOf(objectOf(res?.limits)?.[r]) ?? defaults.request[r]);
    limits[r] = isUnknown(res) ? "unknown" : lim;
    requests[r] = isUnknown(res) ? "unknown" : req;
  }
  return { requests, limits };
}

/** A pod's effective requests/limits; `undefined` per resource when some container has neither a value nor a default. */
export function podResources(podSpec: Record<string, unknown> | undefined, defaults: Defaults): PodResources | "unknown" {
  if (!podSpec) return "unknown";
  if (isUnknown(podSpec.containers)) return "unknown";
  const sum: PodResources = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
  const init: PodResources = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
  for (const c of arrayOf(podSpec.containers)) {
    const r = containerResources(objectOf(c) ?? {}, defaults);
    for (const k of COMPUTE) {
      sum.requests[k] = add(sum.requests[k], r.requests[k]);
      sum.limits[k] = add(sum.limits[k], r.limits[k]);
    }
  }
  for (const c of arrayOf(podSpec.initContainers)) {
    const container = objectOf(c) ?? {};
    const r = containerResources(container, defaults);
    const sidecar = container.restartPolicy === "Always";
    for (const k of COMPUTE) {
      if (sidecar) {
        sum.requests[k] = add(sum.requests[k], r.requests[k]);
        sum.limits[k] = add(sum.limits[k], r.limits[k]);
      } else {
        init.requests[k] = max(init.requests[k], r.requests[k]);
        init.limits[k] = max(init.limits[k], r.limits[k]);
      }
    }
  }
  const out: PodResources = { requests: { cpu: 0, memory: 0 }, limits: { cpu: 0, memory: 0 } };
  for (const k of COMPUTE) {
    out.requests[k] = max(sum.requests[k], init.requests[k]);
    out.limits[k] = max(sum.limits[k], init.limits[k]);
  }
  return out;
}

/** True when an HPA scales the workload: same cluster and namespace, scaleTargetRef kind/name, or computed from it. */
export function hpaTargets(view: KubeView, h: Subject, w: Workload): boolean {
  if (view.clusterOf(h).key !== w.cluster.key) return false;
  if ((h.propertyDependencies?.spec ?? []).includes(w.subject.urn)) return true;
  const ref = objectOf(objectOf(h.props.spec)?.scaleTargetRef);
  return ref?.kind === w.kind && ref?.name === w.name && namespaceOf(h) === w.namespace;
}

/** A view's HPAs by what they target: the workload URN their spec was computed from, or (kind, name, namespace). */
interface HpaIndex {
  readonly byUrn: Map<string, number>;
  readonly byRef: Map<string, number>;
  readonly hpas: readonly Subject[];
}

const HPA_INDEXES = new WeakMap<KubeView, HpaIndex>();

const refKey = (cluster: string, kind: unknown, name: unknown, namespace: string | undefined) => JSON.stringify([cluster, kind, name, namespace ?? 0]);

function hpaIndex(view: KubeView): HpaIndex {
  let index = HPA_INDEXES.get(view);
  if (!index) {
    const hpas = view.ofKind("HorizontalPodAutoscaler");
    const byUrn = new Map<string, number>();
    const byRef = new Map<string, number>();
    hpas.forEach((h, at) => {
      const cluster = view.clusterOf(h).key;
      for (const urn of h.propertyDependencies?.spec ?? []) if (!byUrn.has(`${cluster}|${urn}`)) byUrn.set(`${cluster}|${urn}`, at);
      const ref = objectOf(objectOf(h.props.spec)?.scaleTargetRef);
      const key = refKey(cluster, ref?.kind, ref?.name, namespaceOf(h));
      if (typeof ref?.kind === "string" && typeof ref.name === "string" && !byRef.has(key)) byRef.set(key, at);
    });
    index = { byUrn, byRef, hpas };
    HPA_INDEXES.set(view, index);
  }
  return index;
}

/**
 * The HPA scaling a workload, if any: the first HPA of its cluster for which `hpaTargets` holds, answered from an
 * index built once per view (linear in the stack instead of a scan of every HPA per workload).
 */
export function hpaOf(view: KubeView, w: Workload): Subject | undefined {
  const { byUrn, byRef, hpas } = hpaIndex(view);
  const candidates = [byUrn.get(`${w.cluster.key}|${w.subject.urn}`), byRef.get(refKey(w.cluster.key, w.kind, w.name, w.namespace))].filter((at): at is number => at !== undefined);
  return candidates.length > 0 ? hpas[Math.min(...candidates)] : undefined;
}

/** Nodes the cluster can grow to: Σ maxSize of the EKS cluster's node groups; `undefined` when not known. */
export function maxNodes(view: KubeView, w: Workload): number | "unknown" | undefined {
  const eks = w.cluster.eks;
  if (!eks) return undefined;
  const groups = view.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && addonOf(r, eks));
  if (groups.length === 0) return undefined;
  let total = 0;
  for (const g of groups) {
    const n = numberOf(objectOf(g.props.scalingConfig)?.maxSize);
    if (n === "unknown") return "unknown";
    if (n === undefined) return undefined;
    total += n;
  }
  return total;
}

/** Surge pods of a rolling update: an integer, or a percentage of `base` rounded up (Deployment controller). */
function surgeOf(value: unknown, base: number, fallback: string): number | "unknown" {
  const v = value === undefined ? fallback : value;
  if (isUnknown(v)) return "unknown";
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+%$/.test(v)) return Math.ceil((Number(v.slice(0, -1)) * base) / 100);
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return "unknown";
}

/** The most pods a workload runs at once, with the field that decides it (for messages). */
export function maxPods(view: KubeView, w: Workload): { pods: number; why: string } | { unknown: string } {
  const spec = objectOf(w.subject.props.spec) ?? {};
  const kind = kindOf(w.subject.type);
  if (kind === "Pod") return { pods: 1, why: "1 pod" };
  if (kind === "Job" || kind === "CronJob") {
    const jobSpec = kind === "CronJob" ? objectOf(objectOf(spec.jobTemplate)?.spec) ?? {} : spec;
    const p = numberOf(jobSpec.parallelism) ?? 1;
    return p === "unknown" ? { unknown: "spec.parallelism" } : { pods: p, why: `parallelism ${p}` };
  }
  if (kind === "DaemonSet") {
    const nodes = maxNodes(view, w);
    if (nodes === undefined || nodes === "unknown") return { unknown: "the node count of its cluster (node group maxSize)" };
    const surge = surgeOf(objectOf(objectOf(spec.updateStrategy)?.rollingUpdate)?.maxSurge, nodes, "0");
    return surge === "unknown" ? { unknown: "spec.updateStrategy.rollingUpdate.maxSurge" } : { pods: nodes + surge, why: `${nodes} nodes${surge ? ` + ${surge} surge` : ""}` };
  }
  const hpa = hpaOf(view, w);
  const base = hpa ? numberOf(objectOf(hpa.props.spec)?.maxReplicas) : (numberOf(spec.replicas) ?? 1);
  if (base === "unknown" || base === undefined) return { unknown: hpa ? `HorizontalPodAutoscaler ${objectName(hpa)} maxReplicas` : "spec.replicas" };
  const strategy = objectOf(spec.strategy);
  const surge = kind === "Deployment" && strategy?.type !== "Recreate" ? surgeOf(objectOf(strategy?.rollingUpdate)?.maxSurge, base, "25%") : 0;
  if (surge === "unknown") return { unknown: "spec.strategy.rollingUpdate.maxSurge" };
  return { pods: base + surge, why: `${hpa ? "maxReplicas" : "replicas"} ${base}${surge ? ` + ${surge} surge` : ""}` };
}
