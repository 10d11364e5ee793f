/**
 * Finds the pod (metadata + spec) inside the Kubernetes resources the pack judges, and marks values that are not
 * known yet (preview). Tolerates anything: a resource that is not a pod-bearing kind, a missing template, or an
 * unknown placeholder where an object should be.
 */
import { Pod } from "./api";
import { obj, Obj } from "./checks/util";

import { containsUnknown, isUnknown } from "../common/unknown";
import { perTypeToken } from "../common/kubernetes";

// The engine's and the policy SDK's unknown markers are recognised in one place for every pack.
export { containsUnknown, isUnknown };

/** Where the pod template sits in each supported kind. */
export const POD_TEMPLATE_PATHS = {
  Pod: [],
  PodTemplate: ["template"],
  ReplicationController: ["spec", "template"],
  ReplicaSet: ["spec", "template"],
  Deployment: ["spec", "template"],
  StatefulSet: ["spec", "template"],
  DaemonSet: ["spec", "template"],
  Job: ["spec", "template"],
  CronJob: ["spec", "jobTemplate", "spec", "template"],
} as const satisfies Record<string, readonly string[]>;

export type PodKind = keyof typeof POD_TEMPLATE_PATHS;
export const POD_KINDS = Object.keys(POD_TEMPLATE_PATHS) as PodKind[];

/**
 * Kind of a Pulumi Kubernetes resource type (`kubernetes:apps/v1:Deployment` → `Deployment`), any API group version.
 * `*Patch` types are not kinds here: a patch carries a partial spec that cannot be judged on its own.
 */
export const kindOf: (type: string) => string | undefined = perTypeToken((type) => {
  const m = /^kubernetes:[^:]*:([A-Za-z0-9]+)$/.exec(type);
  return m ? m[1] : undefined;
});

export function isPodKind(kind: string | undefined): kind is PodKind {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, kind);
}

/** Each kind's template path as written in messages (`spec.template`), joined once. */
const TEMPLATE_PATHS = Object.fromEntries(POD_KINDS.map((k) => [k, POD_TEMPLATE_PATHS[k].join(".")])) as Readonly<Record<PodKind, string>>;

/** A pod found in a resource. */
export interface ExtractedPod {
  readonly kind: PodKind;
  /** Path of the pod template in the resource, e.g. `spec.template` ("" for a Pod). */
  readonly templatePath: string;
  /** The pod, or undefined when its template is missing or not known yet. */
  readonly pod?: Pod;
  /** Set when the template (or the object holding it) is an unknown value. */
  readonly unknownAt?: string;
}

/** Extracts the pod of a supported kind; undefined for any other resource type. */
export function extractPod(type: string, props: unknown): ExtractedPod | undefined {
  const kind = kindOf(type);
  if (!isPodKind(kind)) return undefined;
  const path = POD_TEMPLATE_PATHS[kind] as readonly string[];
  const templatePath = TEMPLATE_PATHS[kind];
  let node: unknown = props;
  for (let i = 0; i < path.length; i++) {
    const next = obj(node)?.[path[i]];
    if (isUnknown(next)) return { kind, templatePath, unknownAt: path.slice(0, i + 1).join(".") };
    node = next;
  }
  const template = obj(node);
  if (!template) return { kind, templatePath };
  const at = (k: string) => (templatePath ? `${templatePath}.${k}` : k);
  if (isUnknown(template.spec)) return { kind, templatePath, unknownAt: at("spec") };
  if (isUnknown(template.metadata)) return { kind, templatePath, unknownAt: at("metadata") };
  const spec = obj(template.spec);
  if (!spec) return { kind, templatePath };
  return { kind, templatePath, pod: { metadata: obj(template.metadata) ?? {}, spec } };
}

/** Rewrites a pod-relative path (`spec.containers[0]…`, `metadata.annotations…`) to a path in the resource. */
export function resourcePath(templatePath: string, podPath: string): string {
  return templatePath ? `${templatePath}.${podPath}` : podPath;
}

/**
 * Wraps a pod so that reading an unknown value records its path and yields `undefined`. A check that read an
 * unknown value cannot be decided: its verdict may be an artefact of the placeholder.
 */
export function trackUnknowns(pod: Pod, holding: WeakSet<object> = objectsHoldingUnknowns(pod)): { pod: Pod; unknownPaths: () => string[] } {
  const seen = new Set<string>();
  // Only objects with an unknown somewhere below them (`holding`, one scan of the pod, shared by the checks of one
  // evaluation) are wrapped: a read inside any other object cannot meet an unknown, so handing it out as it is
  // records the same paths. A pod with one unknown among 20,000 containers then costs one proxy per level down to
  // that unknown per check, not one per container read.
  const wrap = (value: Obj | readonly unknown[], path: string): any =>
    new Proxy(value as object, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop === "symbol") return v;
        const unknown = isUnknown(v);
        if (!unknown && !(v !== null && typeof v === "object" && holding.has(v))) return v;
        const child = Array.isArray(target) && /^\d+$/.test(prop) ? `${path}[${prop}]` : `${path}.${prop}`;
        if (unknown) {
          seen.add(child);
          return undefined;
        }
        return wrap(v as Obj, child);
      },
    });
  return {
    pod: { metadata: wrap(pod.metadata, "metadata"), spec: wrap(pod.spec, "spec") },
    unknownPaths: () => [...seen].sort(),
  };
}

/** Every object of the pod that holds an unknown value at any depth (one pass over the pod). */
export function objectsHoldingUnknowns(pod: Pod): WeakSet<object> {
  const holding = new WeakSet<object>();
  const visit = (value: unknown): boolean => {
    if (isUnknown(value)) return true;
    if (value === null || typeof value !== "object") return false;
    if (holding.has(value)) return true;
    let holds = false;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (visit(child)) holds = true;
    if (holds) holding.add(value);
    return holds;
  };
  visit(pod.metadata);
  visit(pod.spec);
  return holding;
}

/** The namespace a namespaced resource lands in: its own, else the provider's default, else "default". */
export function namespaceOf(props: unknown, providerProps?: unknown): { name?: string; unknown: boolean } {
  const ns = obj(obj(props)?.metadata)?.namespace;
  if (isUnknown(ns)) return { unknown: true };
  if (typeof ns === "string" && ns !== "") return { name: ns, unknown: false };
  const providerNs = obj(providerProps)?.namespace;
  if (isUnknown(providerNs)) return { unknown: true };
  if (typeof providerNs === "string" && providerNs !== "") return { name: providerNs, unknown: false };
  return { name: "default", unknown: false };
}

/** Lists of independent elements: one element can neither excuse nor cause another's violation. */
const ELEMENT_LISTS = ["initContainers", "containers", "ephemeralContainers", "volumes"] as const;

/**
 * The pod with every container and volume that holds an unknown value blanked out (`null`, which every check skips,
 * so indices and fix paths stay those of the real pod); an unknown list becomes empty. Every upstream check forbids
 * a pod when some element offends, and an element cannot excuse another, so a check that still forbids this pod
 * without reading any unknown forbids the real pod whatever the unknown values turn out to be.
 * Linear in the size of the pod: each element is scanned once.
 */
export function withoutUnknownElements(pod: Pod): Pod | undefined {
  let changed = false;
  const spec: Record<string, unknown> = { ...pod.spec };
  for (const key of ELEMENT_LISTS) {
    const value = spec[key];
    if (isUnknown(value)) {
      spec[key] = [];
      changed = true;
    } else if (Array.isArray(value)) {
      let blanked: unknown[] | undefined;
      value.forEach((element, i) => {
        if (!containsUnknown(element)) return;
        blanked ??= [...value];
        blanked[i] = null;
      });
      if (blanked) {
        spec[key] = blanked;
        changed = true;
      }
    }
  }
  return changed ? { metadata: pod.metadata, spec } : undefined;
}
