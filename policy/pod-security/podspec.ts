/**
 * Finds the pod (metadata + spec) inside the Kubernetes resources the pack judges, and marks values that are not
 * known yet (preview). Tolerates anything: a resource that is not a pod-bearing kind, a missing template, or an
 * unknown placeholder where an object should be.
 */
import { Pod } from "./api";
import { obj, Obj } from "./checks/util";

/**
 * Placeholders the Pulumi engine and policy SDK put where a value is not known until the update runs. The string
 * one is what the engine sends on the wire for any type; the others are what the policy SDK may substitute.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** True when the value or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

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
export function kindOf(type: string): string | undefined {
  const m = /^kubernetes:[^:]*:([A-Za-z0-9]+)$/.exec(type);
  return m ? m[1] : undefined;
}

export function isPodKind(kind: string | undefined): kind is PodKind {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(POD_TEMPLATE_PATHS, kind);
}

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
  const templatePath = path.join(".");
  let node: unknown = props;
  const walked: string[] = [];
  for (const key of path) {
    walked.push(key);
    const next = obj(node)?.[key];
    if (isUnknown(next)) return { kind, templatePath, unknownAt: walked.join(".") };
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
export function trackUnknowns(pod: Pod): { pod: Pod; unknownPaths: () => string[] } {
  const seen = new Set<string>();
  const wrap = (value: Obj | readonly unknown[], path: string): any =>
    new Proxy(value as object, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof prop === "symbol") return v;
        const child = Array.isArray(target) && /^\d+$/.test(prop) ? `${path}[${prop}]` : `${path}.${prop}`;
        if (isUnknown(v)) {
          seen.add(child);
          return undefined;
        }
        return v !== null && typeof v === "object" ? wrap(v as Obj, child) : v;
      },
    });
  return {
    pod: { metadata: wrap(pod.metadata, "metadata"), spec: wrap(pod.spec, "spec") },
    unknownPaths: () => [...seen].sort(),
  };
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
